// The 256 KiB buffers that large transfers read into, shared by the client's data
// connections (protocol/direct-reads.ts) and large files (file-source.ts). A buffer given
// back is read into again by the next transfer instead of being left to the collector:
// fresh buffers per read were, on both paths, the largest cost of a 1 GiB transfer
// (glibc trimming and faulting the heap back, and V8's mark-compact driven by external
// memory; bench/RESULTS.md).

/** Bytes one read takes: loopback and fast links hand over this much at once. */
export const READ_SIZE = 256 * 1024;
/** Free buffers kept for later transfers (2 MiB); the rest are left to the collector. */
const KEEP_FREE = 8;

const free: Buffer[] = [];
/** The memory of every buffer made here: a chunk in it is lent, and read into again once given back. */
const made = new WeakSet<ArrayBufferLike>();

/** A buffer of READ_SIZE bytes, with an ArrayBuffer of its own. */
export function takeReadBuffer(): Buffer {
  const reused = free.pop();
  if (reused) return reused;
  const buffer = Buffer.allocUnsafeSlow(READ_SIZE);
  made.add(buffer.buffer);
  return buffer;
}

/** Whether `chunk` is a view of a read buffer: lent, so nobody may keep it past its write's callback. */
export function isReadBuffer(chunk: Buffer): boolean {
  return made.has(chunk.buffer);
}

/** Gives back a buffer from takeReadBuffer that nothing uses any more. */
export function giveReadBuffer(buffer: Buffer): void {
  if (free.length < KEEP_FREE) free.push(buffer);
}
