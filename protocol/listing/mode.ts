import type { EntryType } from './entry.js';

// Permissions travel as octal text ('755', '4755'), the way `chmod` takes them. Listings
// carry them as `rwxr-xr-x` (LIST) or as octal (MLSD `unix.mode`); both meet here.

const SPECIAL_BITS = 0o7000;
const ALL_BITS = 0o7777;

// 4096 possible values: each text is built once, so a 100,000-line listing allocates none.
const octalCache: (string | undefined)[] = [];

/** `0o644` → `'644'`; `0o4755` → `'4755'` (the special digit only when it is set). */
export function octalText(bits: number): string {
  const masked = bits & ALL_BITS;
  let text = octalCache[masked];
  if (text === undefined) {
    const low = (masked & 0o777).toString(8).padStart(3, '0');
    text = masked & SPECIAL_BITS ? ((masked >> 9) & 7).toString() + low : low;
    octalCache[masked] = text;
  }
  return text;
}

const R = 0x72;
const W = 0x77;
const X = 0x78;
const DASH = 0x2d;

/**
 * The bits of the nine `rwx` characters at `start` of `line`, or -1 when they are not
 * permission characters. `s`/`t` are an execute bit plus setuid/setgid/sticky, `S`/`T` the
 * special bit alone; `l`/`L` (mandatory locking on old systems) count as setgid without
 * execute, as `ls` on those systems meant.
 */
export function modeBits(line: string, start: number): number {
  let bits = 0;
  for (let who = 0; who < 3; who++) {
    const at = start + who * 3;
    const r = line.charCodeAt(at);
    const w = line.charCodeAt(at + 1);
    const x = line.charCodeAt(at + 2);
    if ((r !== R && r !== DASH) || (w !== W && w !== DASH)) return -1;
    const shift = 6 - who * 3;
    if (r === R) bits |= 4 << shift;
    if (w === W) bits |= 2 << shift;
    const special = 0o4000 >> who; // setuid, setgid, sticky
    switch (x) {
      case DASH:
        break;
      case X:
        bits |= 1 << shift;
        break;
      case 0x73: // s
      case 0x74: // t
        bits |= (1 << shift) | special;
        break;
      case 0x6c: // l
      case 0x4c: // L
        if (who !== 1) return -1;
        bits |= special;
        break;
      case 0x53: // S
      case 0x54: // T
        bits |= special;
        break;
      default:
        return -1;
    }
  }
  return bits;
}

/** The entry type of an `ls -l` type letter, or null when it is not one. */
export function typeOfLetter(code: number): EntryType | null {
  switch (code) {
    case 0x2d: // -
      return 'file';
    case 0x64: // d
      return 'dir';
    case 0x6c: // l
      return 'link';
    // c b p s: devices, pipes, sockets; D: Solaris doors; n: HP-UX network special;
    // ?: what GNU ls prints for an unknown type (and what our formatter writes for 'other')
    case 0x63:
    case 0x62:
    case 0x70:
    case 0x73:
    case 0x44:
    case 0x6e:
    case 0x3f:
      return 'other';
    default:
      return null;
  }
}

/** Octal text (`'644'`, `'0755'`, `'100644'` with the file-type bits) → permission bits, or -1. */
export function parseOctal(text: string, start = 0, end = text.length): number {
  // pyftpdlib writes unix.mode with Python's oct(): `0o644`
  if (end - start > 2 && text.charCodeAt(start) === 0x30 && (text.charCodeAt(start + 1) | 0x20) === 0x6f) start += 2;
  if (end <= start || end - start > 7) return -1;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 7) return -1;
    bits = bits * 8 + d;
  }
  return bits & ALL_BITS;
}

/** `'4755'` → `'rwsr-xr-x'`: the nine characters `ls -l` writes after the type letter. */
export function rwxText(bits: number): string {
  let out = '';
  for (let who = 0; who < 3; who++) {
    const shift = 6 - who * 3;
    const special = bits & (0o4000 >> who);
    const exec = bits & (1 << shift);
    const mark = who === 2 ? (exec ? 't' : 'T') : exec ? 's' : 'S';
    out += bits & (4 << shift) ? 'r' : '-';
    out += bits & (2 << shift) ? 'w' : '-';
    out += special ? mark : exec ? 'x' : '-';
  }
  return out;
}
