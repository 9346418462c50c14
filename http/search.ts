import { globMatcher } from '../protocol/glob.js';
import { requireRight } from './auth.js';
import { signIn, type WebContext } from './context.js';
import { webEntry } from './entry.js';
import { HttpError } from './errors.js';
import { startAnswer, writeChunk } from './respond.js';
import type { Handler } from './router.js';
import { virtualPath } from './target.js';
import { walkTree } from './tree-walk.js';

// GET /search/{folder}?pattern=…: the entries in the folder and below whose name matches,
// as a JSON array of listing entries, streamed as they are found. The pattern is the
// server's shell glob (protocol/glob.ts: `*`, `?`, `[a-z]`), case-insensitive; a pattern
// with none of those characters matches any name that contains it (`report` finds
// `2024-report.pdf`), which is what a search box is expected to do. At most `limit`
// (default and cap 1000) entries, so a search of a huge tree ends.

const MAX_RESULTS = 1000;

export function searchRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs } = await signIn(context, req);
    const folder = virtualPath(target.segments, 1);
    requireRight(caller, fs.can('read'), 'read', folder);
    const pattern = target.query.get('pattern') ?? '';
    if (pattern.trim() === '') throw new HttpError(400, 'Query parameter pattern is missing: say what to look for');
    const limitText = target.query.get('limit');
    const limit = limitText === null ? MAX_RESULTS : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw new HttpError(400, `Query parameter limit must be a whole number from 1 up, got ${JSON.stringify(limitText)}`);
    const glob = /[*?[]/.test(pattern) ? pattern : `*${pattern}*`;
    const matches = globMatcher(glob, { ignoreCase: true });
    const found = walkTree(fs, folder, true);
    // The first step is awaited before answering, so that a missing folder is still a 404.
    let next = await found.next();
    startAnswer(res, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    if (req.method === 'HEAD') return void (await found.return(undefined), res.end());
    let separator = '[';
    let count = 0;
    try {
      for (; !next.done && count < Math.min(limit, MAX_RESULTS); next = await found.next()) {
        if (!matches(next.value.name)) continue;
        count++;
        await writeChunk(res, separator + JSON.stringify(webEntry(next.value)));
        separator = ',';
      }
    } finally {
      await found.return(undefined);
    }
    res.end(separator === '[' ? '[]' : ']');
  };
}
