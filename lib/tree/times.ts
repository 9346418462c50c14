import type { TreeNode } from './nodes.js';

// Comparing modification times across the wire.
//
// Both sides are reduced to whole seconds first: MFMT, MDTM and most servers' file
// systems keep no more, and a time carried across (MFMT up, utimes down) must compare
// equal to the one it came from. A side whose time is coarser (a LIST date: to the minute,
// or only the day for older files) covers the whole span it may stand for. Then one time
// is newer than the other only when it is at least TOLERANCE past the end of the other's
// span: a second of slack absorbs servers that round instead of truncating and file
// systems that keep even seconds only (FAT). Edits made within that second of a sync, that
// leave the size unchanged, are not seen; this is the price of never transferring a file
// twice because of a rounding.

export const TOLERANCE_MS = 1000;

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * How coarse a LIST date is: `ls -l` shows the time of recent files to the minute and
 * only the day of older ones, which parse as midnight. A recent file changed at midnight
 * gets a day's span too: more often "same", never a wrong "newer".
 */
export function listWindow(time: Date | null): number {
  if (time === null) return 0;
  return time.getUTCHours() === 0 && time.getUTCMinutes() === 0 && time.getUTCSeconds() === 0 ? DAY : MINUTE;
}

function span(node: TreeNode): [number, number] {
  const start = Math.floor((node.time as number) / 1000) * 1000;
  return [start, start + Math.max(1000, node.window)];
}

/** Which of two files changed last: 'a', 'b', 'same' (within the tolerance), or 'unknown' when a side has no time. */
export function newer(a: TreeNode, b: TreeNode): 'a' | 'b' | 'same' | 'unknown' {
  if (a.time === null || b.time === null) return 'unknown';
  const [startA, endA] = span(a);
  const [startB, endB] = span(b);
  if (startA - endB >= TOLERANCE_MS) return 'a';
  if (startB - endA >= TOLERANCE_MS) return 'b';
  return 'same';
}
