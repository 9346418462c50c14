import type { ListingEntry } from './entry.js';
import { parseOctal, octalText } from './mode.js';
import { isDotName } from './path.js';
import { setSize } from './size.js';

// EPLF, the Easily Parsed LIST Format (D. J. Bernstein, publicfile and a few embedded
// servers):
//
//   +i8388621.48594,m825718503,r,s280,\tdjb.html
//
// `+`, facts each ended by `,`, a TAB, then the name. Facts begin with a letter: `r` a
// file (RETR works), `/` a folder (CWD works), `s` the size, `m` the modification time in
// seconds since 1970 (UTC), `up` the Unix mode in octal, `i` an identifier (unused here).
// Unknown facts are skipped, as the format asks.

function allDigits(line: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** One EPLF line as an entry, or null when it is not one. */
export function parseEplfLine(line: string): ListingEntry | null {
  if (line.charCodeAt(0) !== 0x2b) return null; // '+'
  const tab = line.indexOf('\t');
  if (tab < 1 || tab === line.length - 1) return null;
  const name = line.slice(tab + 1);
  if (isDotName(name)) return null;
  const entry: ListingEntry = { name, path: name, size: 0, dir: false, modified: null, permissions: null, type: 'file' };
  let dir = false;
  let file = false;
  for (let at = 1; at < tab; ) {
    let end = line.indexOf(',', at);
    if (end < 0 || end > tab) end = tab;
    const fact = line.charCodeAt(at);
    if (fact === 0x2f && end === at + 1) dir = true; // '/'
    else if (fact === 0x72 && end === at + 1) file = true; // 'r'
    else if (fact === 0x73) { // 's'
      if (!allDigits(line, at + 1, end)) return null;
      setSize(entry, line, at + 1, end);
    } else if (fact === 0x6d) { // 'm'
      if (!allDigits(line, at + 1, end)) return null;
      const time = Number(line.slice(at + 1, end)) * 1000;
      const date = new Date(time);
      entry.modified = Number.isNaN(date.getTime()) ? null : date;
    } else if (fact === 0x75 && line.charCodeAt(at + 1) === 0x70) { // 'up'
      const mode = parseOctal(line, at + 2, end);
      if (mode >= 0) entry.permissions = octalText(mode & 0o7777);
    }
    at = end + 1;
  }
  if (dir) {
    entry.dir = true;
    entry.type = 'dir';
    entry.size = 0;
    delete entry.exactSize;
  } else if (!file) entry.type = 'other'; // neither retrievable nor a folder
  return entry;
}
