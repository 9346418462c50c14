// Glob patterns on names, as `search` takes them: `*` any run of characters, `?` one
// character, `[abc]`, `[a-z]` and `[!a]` (or `[^a]`) one character in or out of a set,
// `\x` a literal x. A name is matched whole; it never holds a `/`, so nothing matches
// one. The matching itself is protocol/glob.ts, shared with the server's LIST glob.
import { globMatcher as nameGlob } from '../../protocol/glob.js';

/**
 * A predicate for names matching `pattern`. Throws TypeError on an empty pattern, an
 * unclosed `[` or a range out of order (`[z-a]`).
 */
export function globMatcher(pattern: string, options?: { ignoreCase?: boolean }): (name: string) => boolean {
  if (typeof pattern !== 'string' || pattern === '') throw new TypeError('search pattern must be a non-empty string');
  const matches = nameGlob(pattern, { backslashEscapes: true, strict: true, ignoreCase: options?.ignoreCase ?? false });
  return (name) => !name.includes('/') && matches(name);
}
