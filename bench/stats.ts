// The few statistics the benchmarks report: medians of rounds, latency percentiles, and
// the ratio of our figure to a peer's.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value below which `p` (0–1) of `sorted` lies (nearest rank; `sorted` ascending). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/** `ours ÷ theirs` for figures where more is better (throughput, transfers per second), as `1.23×`. */
export function ratio(ours: number, theirs: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return '–';
  return `${(ours / theirs).toFixed(2)}×`;
}

export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
