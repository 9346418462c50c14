// Feeding helpers for incremental parsers: the same bytes, cut in every way that matters.

/** Every way to cut `bytes` in two, plus one chunk per byte, plus all of it at once. */
export function* splits(bytes: Buffer): Generator<Buffer[]> {
  yield [bytes];
  for (let i = 1; i < bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
  yield Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}

/** A small seeded generator (mulberry32), so that every fuzz failure can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `bytes` at random places into chunks of 1 to `max` bytes. */
export function randomChunks(bytes: Buffer, random: () => number, max = 16): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(random() * max);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** Random bytes, biased towards the ones parsers care about (digits, CR, LF, space, dash). */
export function randomBytes(random: () => number, length: number): Buffer {
  const special = [0x0d, 0x0a, 0x20, 0x2d, 0x30, 0x32, 0x35, 0x39, 0xff, 0x00];
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) {
    out[i] = random() < 0.4 ? special[Math.floor(random() * special.length)]! : Math.floor(random() * 256);
  }
  return out;
}

/** Valid input with a few bytes flipped, dropped or repeated. */
export function mutate(bytes: Buffer, random: () => number): Buffer {
  const out = Array.from(bytes);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits && out.length > 0; e++) {
    const at = Math.floor(random() * out.length);
    const what = random();
    if (what < 0.4) out[at] = Math.floor(random() * 256);
    else if (what < 0.7) out.splice(at, 1);
    else out.splice(at, 0, out[at]!);
  }
  return Buffer.from(out);
}
