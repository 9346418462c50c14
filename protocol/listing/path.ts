import { posix } from 'node:path';

/**
 * What goes before a name to make the entry's path: `dir` joined the POSIX way, worked
 * out once per listing so that each entry costs one concatenation. `''` stays `''`, so
 * that a listing of the current directory gives bare names.
 */
export function pathPrefix(dir: string): string {
  if (dir === '') return '';
  const normal = posix.normalize(dir);
  if (normal === '.' || normal === './') return '';
  return normal.endsWith('/') ? normal : `${normal}/`;
}

/**
 * Splits a pathname as MLST (and a few MLSD servers) write it, absolute or relative, into
 * the entry's name (its last segment) and path (absolute as given, relative under
 * `prefix`). Trailing slashes are dropped; `/` itself is its own name. Only MLST's path
 * is kept: an entry of a listing is always the listed folder and its name.
 */
export function splitPathname(pathname: string, prefix: string): { name: string; path: string } {
  let end = pathname.length;
  while (end > 1 && pathname.charCodeAt(end - 1) === 0x2f) end--;
  const path = end === pathname.length ? pathname : pathname.slice(0, end);
  if (path === '/') return { name: '/', path };
  const name = path.slice(path.lastIndexOf('/') + 1);
  return { name, path: path.charCodeAt(0) === 0x2f ? path : prefix + path };
}

/** `.` and `..` are not entries of the listing but the listing's own folder and its parent. */
export function isDotName(name: string): boolean {
  return name === '.' || name === '..';
}

/**
 * Why a name from a listing cannot stand for an entry of the listed folder, or null when
 * it can. A client joins such names onto a local folder: `../x`, `a/../../y` or `..\x`
 * (a separator on Windows) would lead out of it (lftp's CVE-2018-10916), and NUL, CR or
 * LF cannot be sent back in a command. Backslashes are refused on every system, though a
 * Unix name may hold one, so that a tree behaves the same wherever it is brought down.
 */
export function unsafeNameReason(name: string): string | null {
  if (name === '') return 'is empty';
  if (isDotName(name)) return `is "${name}"`;
  for (let i = 0; i < name.length; i++) {
    switch (name.charCodeAt(i)) {
      case 0x2f:
        return 'contains "/"';
      case 0x5c:
        return 'contains "\\"';
      case 0x00:
        return 'contains NUL';
      case 0x0d:
      case 0x0a:
        return 'contains CR or LF';
    }
  }
  return null;
}
