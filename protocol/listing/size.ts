import type { ListingEntry } from './entry.js';

// Sizes as listings write them, in decimal digits. Up to 15 digits a number holds any of
// them exactly; past 2^53 − 1 it does not, so the entry keeps the exact value as a bigint
// beside the nearest number rather than dropping the line or rounding in silence.

const SAFE_DIGITS = 15; // 10^15 − 1 < 2^53 − 1

/** `text[start, end)`, all decimal digits, as an entry's size (and exactSize when past 2^53 − 1). */
export function setSize(entry: ListingEntry, text: string, start = 0, end = text.length): void {
  if (end - start <= SAFE_DIGITS) {
    let n = 0;
    for (let i = start; i < end; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
    entry.size = n;
    return;
  }
  const exact = BigInt(text.slice(start, end));
  entry.size = Number(exact);
  if (exact > BigInt(Number.MAX_SAFE_INTEGER)) entry.exactSize = exact;
}
