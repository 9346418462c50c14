import { ProtocolError } from '../../common/errors.js';
import { parseTimeVal } from './dates.js';
import type { EntryType, ListingEntry } from './entry.js';
import { octalText, parseOctal } from './mode.js';
import { isDotName, pathPrefix, splitPathname } from './path.js';
import { setSize } from './size.js';

// RFC 3659 §7: MLSD lines and the fact line of an MLST reply.
//
//   type=file;size=1234;modify=20241225143022.123;UNIX.mode=0644; name
//   facts: name=value pairs, each ended by ';', case-insensitive names, no spaces;
//   then one space and the pathname, which may itself hold spaces and ';'.
//
// Facts are matched in place (no split, no toLowerCase) because a listing can hold
// hundreds of thousands of lines; unknown facts (unique, perm, lang, media-type…) are
// skipped.

// The facts read, as small numbers so that matching one is a loop over this table.
const UNKNOWN = 0;
const TYPE = 1;
const SIZE = 2;
const SIZD = 3;
const MODIFY = 4;
const MODE = 5;
// Owner and group facts, by preference: a name beats a number. unix.owner is a name or a
// uid depending on the server; unix.ownername (proftpd) is always a name.
const OWNER_NAME = 10;
const OWNER = 11;
const UID = 12;
const GROUP_NAME = 20;
const GROUP = 21;
const GID = 22;

const FACTS: [string, number][] = [
  ['type', TYPE],
  ['size', SIZE],
  ['sizd', SIZD],
  ['modify', MODIFY],
  ['unix.mode', MODE],
  ['unix.ownername', OWNER_NAME],
  ['unix.owner', OWNER],
  ['unix.uid', UID],
  ['unix.groupname', GROUP_NAME],
  ['unix.group', GROUP],
  ['unix.gid', GID],
];

/** `line[start, end)` equals `lower` ignoring ASCII case (`lower` holds letters, '.', '='). */
function sameText(line: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((line.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function factAt(line: string, start: number, end: number): number {
  for (const [name, fact] of FACTS) if (sameText(line, start, end, name)) return fact;
  return UNKNOWN;
}

function size(line: string, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = line.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n; // past 2^53 − 1 not exact: the caller reads such digits again (setSize)
}

/** What the type fact says; `cdir`/`pdir` are directories that are not entries of the listing. */
type Kind = EntryType | 'cdir' | 'pdir';

const OS_UNIX = 'os.unix=';

function kindOf(line: string, start: number, end: number): Kind {
  if (sameText(line, start, end, 'file')) return 'file';
  if (sameText(line, start, end, 'dir')) return 'dir';
  if (sameText(line, start, end, 'cdir')) return 'cdir';
  if (sameText(line, start, end, 'pdir')) return 'pdir';
  const os = start + OS_UNIX.length;
  if (sameText(line, start, Math.min(end, os), OS_UNIX)) {
    // OS.unix=symlink, OS.unix=slink:/target (RFC 3659 §7.5.1 leaves OS types to the OS)
    if (sameText(line, os, end, 'symlink') || sameText(line, os, Math.min(end, os + 5), 'slink')) return 'link';
  }
  return 'other'; // OS.unix=chr-4/1, OS.unix=fifo, and whatever else a server invents
}

/**
 * One line of facts and a pathname as an entry (`keepDirs`: `cdir`/`pdir` come out as
 * `dir` instead of being skipped), or null when the line is not facts (or is skipped).
 * Without a type fact the entry is taken for a file, the commonest thing to be listed.
 */
export function parseFactsLine(line: string, keepDirs = false): ListingEntry | null {
  const space = line.indexOf(' ');
  if (space < 0 || space === line.length - 1) return null;
  let kind: Kind = 'file';
  let bytes = -1;
  let dirBytes = -1;
  let sizeAt = -1; // where the digits of the size used begin, and end
  let sizeEnd = -1;
  let modified = NaN;
  let mode = -1;
  let target: string | undefined;
  let owner: string | undefined;
  let ownerFact = 0; // the most preferred (lowest) owner fact seen, 0 before any
  let group: string | undefined;
  let groupFact = 0;
  for (let at = 0; at < space; ) {
    const semi = line.indexOf(';', at);
    if (semi < 0 || semi > space) return null; // every fact ends with ';'
    const eq = line.indexOf('=', at);
    if (eq <= at || eq > semi) return null;
    const from = eq + 1;
    const fact = factAt(line, at, eq);
    switch (fact) {
      case TYPE:
        kind = kindOf(line, from, semi);
        if (kind === 'link' && line.charCodeAt(from + OS_UNIX.length + 5) === 0x3a) {
          target = line.slice(from + OS_UNIX.length + 6, semi);
        }
        break;
      case SIZE:
        bytes = size(line, from, semi);
        if (bytes >= 0) [sizeAt, sizeEnd] = [from, semi];
        break;
      case SIZD:
        dirBytes = size(line, from, semi);
        if (dirBytes >= 0 && bytes < 0) [sizeAt, sizeEnd] = [from, semi];
        break;
      case MODIFY:
        modified = parseTimeVal(line, from, semi);
        break;
      case MODE:
        mode = parseOctal(line, from, semi);
        break;
      case OWNER_NAME:
      case OWNER:
      case UID:
        if ((ownerFact === 0 || fact < ownerFact) && semi > from) {
          owner = line.slice(from, semi);
          ownerFact = fact;
        }
        break;
      case GROUP_NAME:
      case GROUP:
      case GID:
        if ((groupFact === 0 || fact < groupFact) && semi > from) {
          group = line.slice(from, semi);
          groupFact = fact;
        }
        break;
    }
    at = semi + 1;
  }
  if ((kind === 'cdir' || kind === 'pdir') && !keepDirs) return null;
  const pathname = line.slice(space + 1);
  let name = pathname;
  let path = pathname; // as written: ListingParser replaces it, parseMlstEntry resolves it
  // Names are relative to the listed folder; a few servers write paths, and MLST always does.
  if (pathname.indexOf('/') >= 0) {
    ({ name, path } = splitPathname(pathname, ''));
    // A pathname through `.` or `..` may lie anywhere: kept whole, the name check refuses it.
    const slashed = `/${path}/`;
    if (slashed.includes('/../') || slashed.includes('/./')) name = pathname;
  }
  if (name === '' || (!keepDirs && isDotName(name))) return null;
  const type: EntryType = kind === 'cdir' || kind === 'pdir' ? 'dir' : kind;
  const entry: ListingEntry = {
    name,
    path,
    size: bytes >= 0 ? bytes : dirBytes >= 0 ? dirBytes : 0,
    dir: type === 'dir',
    modified: Number.isNaN(modified) ? null : new Date(modified),
    permissions: mode >= 0 ? octalText(mode) : null,
    type,
  };
  if (sizeEnd - sizeAt > 15) setSize(entry, line, sizeAt, sizeEnd);
  if (target !== undefined) entry.target = target;
  if (owner !== undefined) entry.owner = owner;
  if (group !== undefined) entry.group = group;
  return entry;
}

/**
 * The fact line of an MLST reply (RFC 3659 §7.2), as it stands between `250-` and `250`:
 * ` type=file;size=3; /pub/name` (the leading space is optional here). The pathname may be
 * absolute; the name is its last segment. A relative pathname is joined to `dir`.
 * Throws a ProtocolError when the line is not facts and a pathname.
 */
export function parseMlstEntry(factsLine: string, dir = ''): ListingEntry {
  const line = factsLine.charCodeAt(0) === 0x20 ? factsLine.slice(1) : factsLine;
  const entry = parseFactsLine(line, true);
  if (entry === null) throw new ProtocolError(`Malformed MLST fact line: ${JSON.stringify(factsLine.slice(0, 200))}`);
  if (entry.path.charCodeAt(0) !== 0x2f) entry.path = pathPrefix(dir) + entry.path;
  return entry;
}
