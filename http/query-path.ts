import { HttpError } from './errors.js';

// Paths and names the file manager sends in a query (`?to=/a/b`, `?name=c.txt`) rather
// than in the request path. They get the same rules as the path's segments (target.ts):
// nothing that climbs, no NUL, no empty segment, so a query cannot reach what a path could not.

function checkSegment(segment: string, raw: string, what: string): void {
  if (segment === '' || segment === '.' || segment === '..' || segment.includes('\0')) {
    throw new HttpError(400, `${what} not allowed: ${JSON.stringify(raw.slice(0, 200))}`);
  }
}

/** An absolute virtual path (`/a/b`) from a query parameter; a 400 when it is missing or could climb. */
export function queryPath(query: URLSearchParams, name: string): string {
  const raw = query.get(name);
  if (raw === null) throw new HttpError(400, `Query parameter ${name} is missing`);
  if (!raw.startsWith('/')) throw new HttpError(400, `Query parameter ${name} must be an absolute path, got ${JSON.stringify(raw.slice(0, 200))}`);
  const segments = raw.slice(1).split('/');
  if (segments.at(-1) === '') segments.pop(); // a trailing slash
  segments.forEach((s) => checkSegment(s, raw, `Path in ${name}`));
  return `/${segments.join('/')}`;
}

/** Every value of a repeated query parameter that names an entry of one folder (`?name=a&name=b`). */
export function queryNames(query: URLSearchParams, name: string): string[] {
  const names = query.getAll(name);
  for (const n of names) {
    if (n.includes('/')) throw new HttpError(400, `Name not allowed (no / inside): ${JSON.stringify(n.slice(0, 200))}`);
    checkSegment(n, n, 'Name');
  }
  return names;
}
