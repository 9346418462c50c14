import { FileSystemError } from './errors.js';

// Virtual paths: what a user sees, always absolute, '/'-separated, rooted at the user's
// own root. Normalising is purely lexical and can never climb above '/': `..` at the top
// stays at the top, as `cd ..` does in `/`. Symbolic links are the storage's business
// (real-path checks in UserFileSystem), not this file's.

/**
 * `input` (absolute, or relative to `cwd`) as a normalised absolute virtual path.
 * Repeated slashes and `.` vanish, `..` climbs but never above the root. A NUL byte
 * cannot be part of any file name, so it is refused rather than cut short.
 */
export function resolveVirtual(cwd: string, input: string): string {
  if (input.includes('\0')) throw new FileSystemError('EINVAL', input, 'A path cannot contain a NUL byte');
  const parts = input.startsWith('/') ? [] : splitPath(cwd);
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** The segments of a normalised path: `/a/b` → `['a', 'b']`, `/` → `[]`. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `root` or below it (both normalised). */
export function isWithin(root: string, path: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}
