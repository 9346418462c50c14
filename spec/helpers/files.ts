import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seeded } from './chunks.js';

/** Deterministic bytes that compress badly, so a test can tell any two offsets apart. */
export function pseudoRandom(size: number, seed = size): Buffer {
  const random = seeded(seed);
  const out = Buffer.allocUnsafe(size);
  let i = 0;
  for (; i + 4 <= size; i += 4) out.writeUInt32LE((random() * 2 ** 32) >>> 0, i);
  for (; i < size; i++) out[i] = (random() * 256) | 0;
  return out;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(typeof data === 'string' ? readFileSync(data) : data).digest('hex');
}

/** A temporary local directory, removed by the returned function. */
export function tempDir(prefix = 'ftppy-spec-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
