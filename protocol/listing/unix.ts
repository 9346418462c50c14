import { monthAt, timeWithoutYear, utcTime } from './dates.js';
import type { ListingEntry } from './entry.js';
import { modeBits, octalText, typeOfLetter } from './mode.js';
import { isDotName } from './path.js';

// An `ls -l` line, as Unix servers (vsftpd, proftpd, pure-ftpd, pyftpdlib…) send it:
//
//   drwxr-sr-x+   2 owner    group        4096 Nov 25 11:31 name
//   mode[mark]  links owner [group]  size|maj, min  month day time|year SP name[ -> target]
//
// Columns are padded differently by every server and the owner and group columns may be
// one or two, so the line is read from both ends: the date (three columns that cannot be
// mistaken) anchors it, the size is the column before it, the owner and group what lies
// between the mode and the size, and the name starts one space after the date. That is
// also why a name may have spaces anywhere, leading ones included.

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

/** The column at `c` is a month, the next a day, the one after a time or a year. */
function isDate(line: string, c: number): boolean {
  const m = starts[c]!;
  if (ends[c]! - m !== 3 || monthAt(line, m) < 0) return false;
  const dayLength = ends[c + 1]! - starts[c + 1]!;
  if (dayLength > 2 || !isDigits(line, starts[c + 1]!, ends[c + 1]!)) return false;
  const t = starts[c + 2]!;
  const tEnd = ends[c + 2]!;
  return (tEnd - t === 4 && isDigits(line, t, tEnd)) || clock(line, t, tEnd) >= 0;
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

  // Columns after the mode, until a date is found in the last three read.
  let count = 0;
  let month = -1;
  while (count < MAX_COLUMNS && at < line.length) {
    while (line.charCodeAt(at) === SPACE) at++;
    if (at >= line.length) break;
    starts[count] = at;
    while (at < line.length && line.charCodeAt(at) !== SPACE) at++;
    ends[count] = at;
    count++;
    if (count >= 4 && isDate(line, count - 3)) {
      month = count - 3;
      break;
    }
  }
  if (month < 0) return null;

  // The size, or the device numbers in its place (one column or two).
  let sizeColumn = month - 1;
  let size = 0;
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
    size = digits(line, sizeStart, sizeEnd);
    if (size > Number.MAX_SAFE_INTEGER) return null; // no file is that large: not a size
  }

  // The name starts exactly one space after the date's last column.
  const nameStart = ends[month + 2]! + 1;
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
    size,
    dir: type === 'dir',
    modified: modifiedAt(line, month, now),
    permissions: octalText(bits),
    type,
  };
  if (target !== undefined) entry.target = target;
  readOwner(line, sizeColumn, entry);
  return entry;
}

function modifiedAt(line: string, month: number, now: number): Date | null {
  const m = monthAt(line, starts[month]!);
  const day = digits(line, starts[month + 1]!, ends[month + 1]!);
  const t = starts[month + 2]!;
  const tEnd = ends[month + 2]!;
  const minutes = clock(line, t, tEnd);
  const time =
    minutes >= 0
      ? timeWithoutYear(m, day, Math.floor(minutes / 60), minutes % 60, now)
      : utcTime(digits(line, t, tEnd), m, day);
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
