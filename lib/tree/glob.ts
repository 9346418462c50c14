// Glob patterns on names, as `search` takes them: `*` any run of characters, `?` one
// character, `[abc]`, `[a-z]` and `[!a]` (or `[^a]`) one character in or out of a set,
// `\x` a literal x. A name is matched whole, and `*` crosses no `/` because only a
// name, never a path, is matched.

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Compiles a glob into a RegExp that matches a whole name. Throws TypeError on an unclosed `[`. */
export function globToRegExp(pattern: string, { ignoreCase = false } = {}): RegExp {
  if (typeof pattern !== 'string' || pattern === '') throw new TypeError('search pattern must be a non-empty string');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      while (pattern[i + 1] === '*') i++;
      source += '[^/]*';
    } else if (c === '?') {
      source += '[^/]';
    } else if (c === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]!);
    } else if (c === '[') {
      const close = classEnd(pattern, i);
      if (close === -1) throw new TypeError(`search pattern has an unclosed [ : ${JSON.stringify(pattern)}`);
      source += charClass(pattern.slice(i + 1, close));
      i = close;
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
}

/** The index of the `]` that closes the class opened at `open`; a `]` first in the class is literal. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

function charClass(body: string): string {
  const negate = body[0] === '!' || body[0] === '^';
  const items = negate ? body.slice(1) : body;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const c = items[i]!;
    if (c === '\\' && i + 1 < items.length) out += escapeRegExp(items[++i]!);
    else if (c === '-' && i > 0 && i < items.length - 1) out += '-'; // a range
    else out += escapeRegExp(c);
  }
  return negate ? `[^/${out}]` : `[${out}]`;
}

/** A predicate for names matching `pattern`. */
export function globMatcher(pattern: string, options?: { ignoreCase?: boolean }): (name: string) => boolean {
  const re = globToRegExp(pattern, options);
  return (name) => re.test(name);
}
