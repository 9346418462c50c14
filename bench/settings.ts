// The knobs every end-to-end benchmark shares, from the environment:
//   FTPPY_BENCH_QUICK=1     the quick sizes (64 MiB, 200 files, 10 s), for trying things out
//   FTPPY_BENCH_ROUNDS=n    rounds of every contender (medians are reported)
// and each benchmark's own (FTPPY_BENCH_SIZE_MIB, FTPPY_BENCH_FILES, …), which win over both.

export const quick = process.env.FTPPY_BENCH_QUICK === '1';

/** A whole number from `FTPPY_BENCH_<name>`, else the full or the quick default. */
export function setting(name: string, full: number, quickValue: number): number {
  const given = process.env[`FTPPY_BENCH_${name}`];
  if (given === undefined || given === '') return quick ? quickValue : full;
  const value = Number(given);
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`FTPPY_BENCH_${name} must be a positive whole number, not ${given}`);
  return value;
}

/** A comma-separated list from `FTPPY_BENCH_<name>`, limited to `known`, else all of `known`. */
export function choice<T extends string>(name: string, known: readonly T[]): T[] {
  const given = process.env[`FTPPY_BENCH_${name}`];
  if (!given) return [...known];
  const picked = given.split(',').map((s) => s.trim()) as T[];
  for (const item of picked) if (!known.includes(item)) throw new RangeError(`FTPPY_BENCH_${name}: ${item} is not one of ${known.join(', ')}`);
  return picked;
}

/** `items` rotated by `round`, so that no contender always goes first. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const at = round % Math.max(1, items.length);
  return [...items.slice(at), ...items.slice(0, at)];
}
