import { HttpError } from './errors.js';

// The request target, read by hand rather than with `new URL()`: the WHATWG parser
// resolves `..` and `%2e%2e` before we could see them, which would turn a traversal
// attempt into a quiet request for something else. Here every segment is percent-decoded
// exactly once and anything that could change the path's shape after decoding is refused.

export interface RequestTarget {
  /** The path as sent, before decoding (what the request hook shows). */
  rawPath: string;
  /** The decoded segments. */
  segments: string[];
  /** True when the path ends with `/` (a folder is meant). */
  trailingSlash: boolean;
  query: URLSearchParams;
}

/** Splits `req.url` (origin form, or absolute form from a proxy) into path and query. */
export function parseTarget(url: string): RequestTarget {
  let rest = url;
  if (!rest.startsWith('/')) {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
    if (!absolute) throw new HttpError(400, `Bad request target ${JSON.stringify(url.slice(0, 80))}`);
    rest = rest.slice(absolute[0].length) || '/';
  }
  const hash = rest.indexOf('#'); // never sent by browsers, but a raw client may
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
  const segments = rawPath.split('/').filter((s) => s !== '').map(decodeSegment);
  return { rawPath, segments, trailingSlash: rawPath.length > 1 && rawPath.endsWith('/'), query };
}

function decodeSegment(raw: string): string {
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `Bad percent-encoding in path segment ${JSON.stringify(raw.slice(0, 80))}`);
  }
  // `%2F` would add a level the client did not write; `.`/`..` (however encoded) would
  // climb; NUL ends a name in C. None of them can be part of a real file name.
  if (segment.includes('/') || segment.includes('\0') || segment === '.' || segment === '..') {
    throw new HttpError(400, `Path segment not allowed: ${JSON.stringify(raw.slice(0, 80))}`);
  }
  return segment;
}

/** The virtual path below a route's prefix: `['files', 'a', 'b']` under `files` → `/a/b`. */
export function virtualPath(segments: readonly string[], skip: number): string {
  return `/${segments.slice(skip).join('/')}`;
}

/** A yes/no query flag: `?dirs=1`, `?dirs=true`, `?dirs`; anything else but 0/false is a 400. */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  const v = value.toLowerCase();
  if (v === '' || v === '1' || v === 'true' || v === 'yes') return true;
  if (v === '0' || v === 'false' || v === 'no') return false;
  throw new HttpError(400, `Query parameter ${name} must be 1 or 0, got ${JSON.stringify(value.slice(0, 40))}`);
}
