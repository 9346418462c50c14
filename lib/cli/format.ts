import type { ListingEntry } from '../../protocol/listing/entry.js';
import { printable as rawBytesShown } from '../../protocol/text.js';

// How the command line shows sizes, rates, durations and listing entries.

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`; bytes below 1 KiB as they are. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** `75` → `1:15`, `3700` → `1:01:40`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${minutes}:${two(s % 60)}`;
}

/** Seconds with one decimal below a minute: what a summary line says a run took. */
export function formatElapsed(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : formatDuration(seconds);
}

const typeLetter: Record<ListingEntry['type'], string> = { file: '-', dir: 'd', link: 'l', other: '?' };

/** `'755'` of a dir → `drwxr-xr-x`; unknown permissions are dashes. */
export function formatMode(entry: ListingEntry): string {
  const bits = entry.permissions === null ? null : parseInt(entry.permissions, 8);
  let text = typeLetter[entry.type];
  for (let shift = 6; shift >= 0; shift -= 3) {
    const part = bits === null ? 0 : (bits >> shift) & 7;
    text += `${part & 4 ? 'r' : '-'}${part & 2 ? 'w' : '-'}${part & 1 ? 'x' : '-'}`;
  }
  return text;
}

/** Local time, to the minute, as `ls -l` shows it but sortable. */
export function formatTime(date: Date | null): string {
  if (date === null) return '-'.padEnd(16);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/**
 * Text as the terminal may be given it: C0 controls (but tab), DEL and C1 controls as
 * `\xNN`, so that a hostile server's names and messages cannot move the cursor, retitle
 * the window or hide lines (terminal escape injection). Output applies it to every line.
 */
export function printable(text: string): string {
  return rawBytesShown(text).replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A name as a listing shows it: folders with a trailing `/`, links with their target. */
export function displayName(entry: ListingEntry, name = entry.name): string {
  if (entry.dir) return `${name}/`;
  if (entry.type === 'link' && entry.target) return `${name} -> ${entry.target}`;
  return name;
}

/** `ls -l` lines for entries, with the size column as wide as the widest size. */
export function longLines(entries: readonly ListingEntry[], nameOf: (entry: ListingEntry) => string = (e) => e.name): string[] {
  const width = Math.max(1, ...entries.map((e) => String(e.size).length));
  const owners = Math.max(0, ...entries.map((e) => (e.owner ?? '').length));
  const groups = Math.max(0, ...entries.map((e) => (e.group ?? '').length));
  return entries.map((entry) => {
    const who = owners + groups > 0 ? `${(entry.owner ?? '').padEnd(owners)} ${(entry.group ?? '').padEnd(groups)}  ` : '';
    return `${formatMode(entry)}  ${who}${String(entry.size).padStart(width)}  ${formatTime(entry.modified)}  ${displayName(entry, nameOf(entry))}`;
  });
}
