// What LIST, NLST and STAT take besides a path: `ls` options and a glob, the way vsftpd
// reads them. Clients send what they would type to ls (`LIST -la`, ncftpls's `NLST -1`,
// tnftp's `NLST *.txt` for `mget *.txt`), so refusing them breaks those clients. Pure:
// no file system here.

import { globMatcher as nameGlob } from '../../protocol/glob.js';

export interface LsArgs {
  /** -a: dot files too. */
  all: boolean;
  /** -l: long lines (NLST -l lists as LIST does, as vsftpd's). */
  long: boolean;
  /** The path, or '' for the working folder. */
  path: string;
}

// One option word: a dash and letters or digits (`-la`, `-1`). `--` ends the options.
const OPTION = /^-[A-Za-z0-9]+$/;

/**
 * `-la /pub` → `{ all, long, path: '/pub' }`. Leading words that look like options are
 * options, as with ls, so a file named `-a` is listed as `./-a` or after `--`. Letters
 * other than a and l (-1, -R, -t…) are accepted and change nothing: the listing is one
 * entry per line, sorted by name, not recursive.
 */
export function parseLsArgs(arg: string): LsArgs {
  const out: LsArgs = { all: false, long: false, path: '' };
  let rest = arg.trimStart();
  while (rest.startsWith('-')) {
    const space = rest.indexOf(' ');
    const word = space === -1 ? rest : rest.slice(0, space);
    if (word !== '--' && !OPTION.test(word)) break;
    rest = space === -1 ? '' : rest.slice(space + 1).trimStart();
    if (word === '--') break;
    if (word.includes('a')) out.all = true;
    if (word.includes('l')) out.long = true;
  }
  out.path = rest;
  return out;
}

/** True when a name holds a glob character (`*`, `?`, `[`). */
export function hasGlob(name: string): boolean {
  return /[*?[]/.test(name);
}

/**
 * A matcher for a shell glob on one name: `*`, `?`, `[abc]`, `[a-z]`, `[!a]` / `[^a]`
 * (protocol/glob.ts). A `[` without its `]` stands for itself and a range out of order
 * (`[z-a]`) matches nothing, so a bad pattern lists nothing (226), as ls and vsftpd do.
 * As in the shell, a leading dot is matched only by a pattern that begins with one.
 */
export function globMatcher(pattern: string): (name: string) => boolean {
  const matches = nameGlob(pattern);
  const dotted = pattern.startsWith('.');
  return (name) => (dotted || !name.startsWith('.')) && matches(name);
}
