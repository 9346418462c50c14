import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

// ~/.netrc, as ftp(1), curl and Python's netrc read it: whitespace-separated tokens,
// `machine NAME` or `default` opening an entry, `login` and `password` inside it,
// `account` read and ignored, `macdef NAME` followed by a macro body that runs to the
// first empty line (skipped). Tokens may be double-quoted, with backslash escapes, so
// that a password can hold spaces.

export interface NetrcEntry {
  /** The host name, or null for the `default` entry. */
  machine: string | null;
  login?: string;
  password?: string;
}

/** Reads netrc tokens one at a time, so that the parser can skip a macro's raw body. */
class Tokens {
  #i = 0;
  constructor(readonly text: string) {}

  next(): string | undefined {
    const { text } = this;
    while (this.#i < text.length && /\s/.test(text[this.#i]!)) this.#i++;
    if (this.#i >= text.length) return undefined;
    const quoted = text[this.#i] === '"';
    if (quoted) this.#i++;
    let token = '';
    for (; this.#i < text.length; this.#i++) {
      const c = text[this.#i]!;
      if (quoted ? c === '"' : /\s/.test(c)) break;
      token += c === '\\' && this.#i + 1 < text.length ? text[++this.#i] : c;
    }
    if (quoted) this.#i++;
    return token;
  }

  /** Past the rest of the `macdef` line and the macro body, which ends at an empty line. */
  skipMacro(): void {
    const lineEnd = this.text.indexOf('\n', this.#i);
    const bodyEnd = lineEnd === -1 ? -1 : this.text.indexOf('\n\n', lineEnd);
    this.#i = bodyEnd === -1 ? this.text.length : bodyEnd + 2;
  }
}

export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  const input = new Tokens(text);
  let current: NetrcEntry | null = null;
  for (let token = input.next(); token !== undefined; token = input.next()) {
    if (token === 'machine') {
      current = { machine: input.next() ?? '' };
      entries.push(current);
    } else if (token === 'default') {
      current = { machine: null };
      entries.push(current);
    } else if (token === 'login' || token === 'password') {
      const value = input.next();
      if (current && value !== undefined) current[token] = value;
    } else if (token === 'account') {
      input.next();
    } else if (token === 'macdef') {
      input.skipMacro();
    }
  }
  return entries;
}

/**
 * The entry for `host` (and `login`, when the caller already has a user name), else the
 * `default` entry, else null. Host names compare case-insensitively.
 */
export function findNetrc(entries: readonly NetrcEntry[], host: string, login?: string): NetrcEntry | null {
  const fits = (entry: NetrcEntry): boolean => login === undefined || entry.login === undefined || entry.login === login;
  const name = host.toLowerCase();
  return entries.find((e) => e.machine?.toLowerCase() === name && fits(e)) ?? entries.find((e) => e.machine === null && fits(e)) ?? null;
}

/** The entries of `$HOME/.netrc`, or none when there is no such file. */
export async function readNetrc(env: NodeJS.ProcessEnv = process.env): Promise<NetrcEntry[]> {
  const home = env.HOME ?? homedir();
  const text = await readFile(join(home, '.netrc'), 'utf8').catch(() => null);
  return text === null ? [] : parseNetrc(text);
}
