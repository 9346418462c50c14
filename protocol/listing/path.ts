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
 * `prefix`). Trailing slashes are dropped; `/` itself is its own name.
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
