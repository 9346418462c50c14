import { monthIn, timeWithoutYear, utcTime } from './dates.js';
import type { ListingEntry } from './entry.js';
import { modeBits, octalText, typeOfLetter } from './mode.js';
import { isDotName } from './path.js';
import { setSize } from './size.js';

// An `ls -l` line, as Unix servers (vsftpd, proftpd, pure-ftpd, pyftpdlib…) send it:
//
//   drwxr-sr-x+   2 owner    group        4096 Nov 25 11:31 name
//   mode[mark]  links owner [group]  size|maj, min  month day time|year SP name[ -> target]
//
// Columns are padded differently by every server and the owner and group columns may be
// one or two, so the line is read from both ends: the date (columns that cannot be
// mistaken) anchors it, the size is the column before it, the owner and group what lies
// between the mode and the size, and the name starts one space after the date. That is
// also why a name may have spaces anywhere, leading ones included.
//
// The date is written in one of these styles (ls --time-style, and the locale's month
// names and order):
//
//   Nov 25 11:31 | Nov 25  2023                 month day time|year (the default)
//   25 févr. 11:31 | 3. Mär 2023               day month time|year (French and others)
//   2024-03-01 13:05                            long-iso
//   2024-03-01 13:05:07.123456789 +0100         full-iso

const SPACE = 0x20;
const MAX_COLUMNS = 12; // before the name; more than this and the line is not ls -l

// Column bounds of the line being read. Module-level scratch: parsing is synchronous,
// and reusing them keeps each line free of allocations besides its strings.
const starts = new Int32Array(MAX_COLUMNS);
const ends = new Int32Array(MAX_COLUMNS);

function isDigits(line: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function digits(line: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + line.charCodeAt(i) - 0x30;
  return n;
}

/** `HH:MM` or `H:MM` → minutes since midnight, or -1. */
function clock(line: string, start: number, end: number): number {
  const colon = end - 3;
  if (end - start < 4 || end - start > 5 || line.charCodeAt(colon) !== 0x3a) return -1;
  if (!isDigits(line, start, colon) || !isDigits(line, colon + 1, end)) return -1;
  return digits(line, start, colon) * 60 + digits(line, colon + 1, end);
}

// Date styles, by the columns they take.
const MONTH_DAY = 1; // 3 columns
const DAY_MONTH = 2; // 3 columns
const LONG_ISO = 3; // 2 columns
const FULL_ISO = 4; // 3 columns

const isTimeOrYear = (line: string, t: number, tEnd: number): boolean => (tEnd - t === 4 && isDigits(line, t, tEnd)) || clock(line, t, tEnd) >= 0;

/** A day column: one or two digits, a dot after them allowed (`3.`). */
function dayEnd(line: string, c: number): number {
  let end = ends[c]!;
  if (end - starts[c]! > 1 && line.charCodeAt(end - 1) === 0x2e) end--;
  return end - starts[c]! <= 2 && isDigits(line, starts[c]!, end) ? end : -1;
}

/** `YYYY-MM-DD` at column `c`. */
function isIsoDay(line: string, c: number): boolean {
  const s = starts[c]!;
  return ends[c]! - s === 10 && line.charCodeAt(s + 4) === 0x2d && line.charCodeAt(s + 7) === 0x2d &&
    isDigits(line, s, s + 4) && isDigits(line, s + 5, s + 7) && isDigits(line, s + 8, s + 10);
}

/** The style of a date of three columns starting at column `c`, or 0. */
function dateOfThree(line: string, c: number): number {
  if (monthIn(line, starts[c]!, ends[c]!) >= 0 && dayEnd(line, c + 1) >= 0 && isTimeOrYear(line, starts[c + 2]!, ends[c + 2]!)) return MONTH_DAY;
  if (dayEnd(line, c) >= 0 && monthIn(line, starts[c + 1]!, ends[c + 1]!) >= 0 && isTimeOrYear(line, starts[c + 2]!, ends[c + 2]!)) return DAY_MONTH;
  if (isIsoDay(line, c) && fullClock(line, starts[c + 1]!, ends[c + 1]!) >= 0 && zoneMinutes(line, starts[c + 2]!, ends[c + 2]!) !== null) return FULL_ISO;
  return 0;
}

/** `HH:MM:SS` with any fraction after it → ms since midnight, or -1. */
function fullClock(line: string, start: number, end: number): number {
  if (end - start < 8 || line.charCodeAt(start + 5) !== 0x3a) return -1;
  const minutes = clock(line, start, start + 5);
  if (minutes < 0 || !isDigits(line, start + 6, start + 8)) return -1;
  let ms = 0;
  if (end > start + 8) {
    if (line.charCodeAt(start + 8) !== 0x2e || !isDigits(line, start + 9, end)) return -1;
    ms = Math.floor(Number(`0.${line.slice(start + 9, end)}`) * 1000);
  }
  return minutes * 60_000 + digits(line, start + 6, start + 8) * 1000 + ms;
}

/** `+0100` / `-0530` → minutes east of UTC, or null. */
function zoneMinutes(line: string, start: number, end: number): number | null {
  const sign = line.charCodeAt(start);
  if (end - start !== 5 || (sign !== 0x2b && sign !== 0x2d) || !isDigits(line, start + 1, end)) return null;
  const minutes = digits(line, start + 1, start + 3) * 60 + digits(line, start + 3, end);
  return sign === 0x2d ? -minutes : minutes;
}

/** `4,` `1` or `4,1`: the major and minor numbers a device shows instead of a size. */
function isDeviceNumber(line: string, start: number, end: number): boolean {
  const comma = line.indexOf(',', start);
  return comma > start && comma < end && isDigits(line, start, comma) && (comma === end - 1 || isDigits(line, comma + 1, end));
}

/**
 * One `ls -l` line as an entry, or null when it is not one (or is `.`/`..`). `now` (ms)
 * places dates written without a year.
 */
export function parseUnixLine(line: string, now: number): ListingEntry | null {
  if (line.length < 11) return null;
  const type = typeOfLetter(line.charCodeAt(0));
  if (type === null) return null;
  const bits = modeBits(line, 1);
  if (bits < 0) return null;
  let at = 10;
  const mark = line.charCodeAt(at);
  if (mark === 0x2b || mark === 0x2e || mark === 0x40) at++; // ACL '+', SELinux '.', macOS xattr '@'
  if (line.charCodeAt(at) !== SPACE) return null;

  // Columns after the mode, until a date is found in the last two or three read.
  let count = 0;
  let month = -1; // the date's first column
  let style = 0;
  while (count < MAX_COLUMNS && at < line.length) {
    while (line.charCodeAt(at) === SPACE) at++;
    if (at >= line.length) break;
    starts[count] = at;
    while (at < line.length && line.charCodeAt(at) !== SPACE) at++;
    ends[count] = at;
    count++;
    if (count >= 4) style = dateOfThree(line, count - 3);
    if (style !== 0) {
      month = count - 3;
      break;
    }
    if (count >= 3 && isIsoDay(line, count - 2) && clock(line, starts[count - 1]!, ends[count - 1]!) >= 0) {
      style = LONG_ISO;
      month = count - 2;
      break;
    }
  }
  if (month < 0) return null;
  const dateColumns = style === LONG_ISO ? 2 : 3;

  // The size, or the device numbers in its place (one column or two).
  let sizeColumn = month - 1;
  let sized = false; // a size, not device numbers
  const sizeStart = starts[sizeColumn]!;
  const sizeEnd = ends[sizeColumn]!;
  if (type === 'other' && isDeviceNumber(line, sizeStart, sizeEnd)) {
    // `4,1`: the device numbers in one column
  } else if (!isDigits(line, sizeStart, sizeEnd)) {
    return null;
  } else if (sizeColumn > 0 && line.charCodeAt(ends[sizeColumn - 1]! - 1) === 0x2c) {
    if (type !== 'other') return null; // device numbers on a file: not a line ls writes
    sizeColumn--; // `4,` then `1`
    if (!isDeviceNumber(line, starts[sizeColumn]!, ends[sizeColumn]!)) return null;
  } else {
    sized = true;
  }

  // The name starts exactly one space after the date's last column.
  const nameStart = ends[month + dateColumns - 1]! + 1;
  if (nameStart >= line.length) return null;
  let name = line.slice(nameStart);
  let target: string | undefined;
  if (type === 'link') {
    const arrow = name.indexOf(' -> ');
    if (arrow >= 0) {
      target = name.slice(arrow + 4);
      name = name.slice(0, arrow);
    }
  }
  if (isDotName(name) || name === '') return null;

  const entry: ListingEntry = {
    name,
    path: name, // ListingParser puts the listed folder before it
    size: 0,
    dir: type === 'dir',
    modified: modifiedAt(line, month, style, now),
    permissions: octalText(bits),
    type,
  };
  if (target !== undefined) entry.target = target;
  if (sized) setSize(entry, line, sizeStart, sizeEnd);
  readOwner(line, sizeColumn, entry);
  return entry;
}

function modifiedAt(line: string, first: number, style: number, now: number): Date | null {
  let time: number;
  if (style === LONG_ISO || style === FULL_ISO) {
    const s = starts[first]!;
    const day = utcTime(digits(line, s, s + 4), digits(line, s + 5, s + 7) - 1, digits(line, s + 8, s + 10));
    if (style === LONG_ISO) {
      time = day + clock(line, starts[first + 1]!, ends[first + 1]!) * 60_000;
    } else {
      const zone = zoneMinutes(line, starts[first + 2]!, ends[first + 2]!) ?? 0;
      time = day + fullClock(line, starts[first + 1]!, ends[first + 1]!) - zone * 60_000;
    }
  } else {
    const [monthColumn, dayColumn] = style === MONTH_DAY ? [first, first + 1] : [first + 1, first];
    const m = monthIn(line, starts[monthColumn]!, ends[monthColumn]!);
    const day = digits(line, starts[dayColumn]!, dayEnd(line, dayColumn));
    const t = starts[first + 2]!;
    const tEnd = ends[first + 2]!;
    const minutes = clock(line, t, tEnd);
    time = minutes >= 0
      ? timeWithoutYear(m, day, Math.floor(minutes / 60), minutes % 60, now)
      : utcTime(digits(line, t, tEnd), m, day);
  }
  return Number.isNaN(time) ? null : new Date(time);
}

/**
 * The columns between the mode and the size: `links owner group` as ls writes them,
 * `links owner` from servers that leave the group out, `owner group` from the few that
 * leave the link count out. A count is all digits; an owner may be too (a bare uid), which
 * is why only the first of two columns is tested.
 */
function readOwner(line: string, sizeColumn: number, entry: ListingEntry): void {
  if (sizeColumn >= 3) {
    entry.owner = line.slice(starts[1]!, ends[1]!);
    entry.group = line.slice(starts[2]!, ends[sizeColumn - 1]!);
  } else if (sizeColumn === 2) {
    if (isDigits(line, starts[0]!, ends[0]!)) {
      entry.owner = line.slice(starts[1]!, ends[1]!);
    } else {
      entry.owner = line.slice(starts[0]!, ends[0]!);
      entry.group = line.slice(starts[1]!, ends[1]!);
    }
  } else if (sizeColumn === 1 && !isDigits(line, starts[0]!, ends[0]!)) {
    entry.owner = line.slice(starts[0]!, ends[0]!);
  }
}
