// A shell glob on one name, matched without a RegExp: `*` any run, `?` one character,
// `[abc]`, `[a-z]`, `[!a]` / `[^a]` one character in or out of a set. The server's
// LIST/NLST/STAT argument and the client's `search` pattern are both read here; they
// differ only in the options below.
//
// Why no RegExp: a pattern of k stars compiled to `.*a.*a…` backtracks O(n^k) on a name
// that almost matches, on the one thread that serves every session. This matcher keeps
// one backtrack point (the last `*`), as fnmatch and wildmatch do: O(name × pattern).
// Pure: no I/O.

export interface GlobOptions {
  /** `\x` stands for a literal x (the client's `search`); otherwise `\` is a character. */
  backslashEscapes?: boolean;
  /**
   * Throw a TypeError on an unclosed `[` or a range whose ends are out of order (a
   * caller's mistake worth telling); otherwise `[` without `]` stands for itself and a
   * range like `[z-a]` matches nothing, as ls and vsftpd treat them.
   */
  strict?: boolean;
  ignoreCase?: boolean;
}

type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'char'; char: string }
  | { kind: 'set'; negate: boolean; chars: string[]; ranges: [string, string][] };

/** A predicate for names that `pattern` matches whole. */
export function globMatcher(pattern: string, options: GlobOptions = {}): (name: string) => boolean {
  const tokens = parseGlob(pattern, options);
  const fold = options.ignoreCase ? (c: string) => [c, c.toLowerCase(), c.toUpperCase()] : (c: string) => [c];
  const one = (token: Token, c: string): boolean => {
    if (token.kind === 'any') return true;
    const forms = fold(c);
    if (token.kind === 'char') return fold(token.char).some((t) => forms.includes(t));
    if (token.kind !== 'set') return false;
    const inSet = forms.some((f) => token.chars.includes(f) || token.ranges.some(([lo, hi]) => codePoint(lo) <= codePoint(f) && codePoint(f) <= codePoint(hi)));
    return inSet !== token.negate;
  };
  return (name) => matchTokens(tokens, Array.from(name), one);
}

function matchTokens(tokens: Token[], name: string[], one: (token: Token, c: string) => boolean): boolean {
  let p = 0;
  let n = 0;
  let star = -1; // the token after the last `*` seen
  let starAt = 0; // where in the name that `*` stopped eating
  while (n < name.length) {
    const token = tokens[p];
    if (token?.kind === 'star') {
      star = ++p;
      starAt = n;
    } else if (token && one(token, name[n]!)) {
      p++;
      n++;
    } else if (star !== -1) {
      // Let the last `*` eat one more character and retry what follows it. Earlier
      // stars never need to move: the last one can absorb whatever they would have.
      p = star;
      n = ++starAt;
    } else return false;
  }
  while (tokens[p]?.kind === 'star') p++;
  return p === tokens.length;
}

function parseGlob(pattern: string, options: GlobOptions): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '\\' && options.backslashEscapes && i + 1 < chars.length) tokens.push({ kind: 'char', char: chars[++i]! });
    else if (c === '[') {
      const close = setEnd(chars, i, options);
      if (close === -1) {
        if (options.strict) throw new TypeError(`glob pattern has an unclosed [ : ${JSON.stringify(pattern)}`);
        tokens.push({ kind: 'char', char: c });
        continue;
      }
      tokens.push(parseSet(chars.slice(i + 1, close), pattern, options));
      i = close;
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

/** The index of the `]` that closes the set opened at `open`; a `]` first in the set is one of its characters. */
function setEnd(chars: string[], open: number, options: GlobOptions): number {
  let i = open + 1;
  if (chars[i] === '!' || chars[i] === '^') i++;
  if (chars[i] === ']') i++;
  for (; i < chars.length; i++) {
    if (chars[i] === '\\' && options.backslashEscapes) i++;
    else if (chars[i] === ']') return i;
  }
  return -1;
}

function parseSet(body: string[], pattern: string, options: GlobOptions): Token {
  const negate = body[0] === '!' || body[0] === '^';
  const items: { char: string; escaped: boolean }[] = [];
  for (let i = negate ? 1 : 0; i < body.length; i++) {
    const escaped = body[i] === '\\' && options.backslashEscapes === true && i + 1 < body.length;
    if (escaped) i++;
    items.push({ char: body[i]!, escaped });
  }
  const set: Token = { kind: 'set', negate, chars: [], ranges: [] };
  for (let i = 0; i < items.length; i++) {
    const lo = items[i]!.char;
    // `a-z` is a range; a `-` first, last or escaped is a character.
    const dash = items[i + 1];
    if (dash?.char === '-' && !dash.escaped && i + 2 < items.length) {
      const hi = items[i + 2]!.char;
      if (codePoint(lo) > codePoint(hi) && options.strict) throw new TypeError(`glob pattern has an out-of-order range ${lo}-${hi}: ${JSON.stringify(pattern)}`);
      set.ranges.push([lo, hi]);
      i += 2;
    } else set.chars.push(lo);
  }
  return set;
}

function codePoint(c: string): number {
  return c.codePointAt(0)!;
}
