import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerStats } from '../server/index.js';
import { signIn, type WebContext } from './context.js';
import { HttpError } from './errors.js';
import { startAnswer, writeChunk } from './respond.js';
import type { Handler } from './router.js';

// GET /events: the server's live figures as server-sent events, one `data:` JSON line
// a second, for the page's status view. Only an account with every right sees them: they
// name other users and the paths they transfer. The stream ends when the client leaves
// or the server closes.

const EVERY_MS = 1000;

/**
 * The addresses banned now, read from the server's stats under the name the ban list
 * gives it (`bannedAddresses`), written while that list was being built beside this
 * view: 0 when the server keeps no bans.
 */
function bans(ftp: ServerStats): number {
  const stats = ftp as unknown as Record<string, unknown>;
  for (const value of [stats.bannedAddresses, stats.bans]) {
    if (typeof value === 'number') return value;
    if (Array.isArray(value)) return value.length;
  }
  return 0;
}

export function liveFigures(context: WebContext): Record<string, unknown> {
  const ftp = context.backend.stats();
  return {
    time: new Date().toISOString(),
    sessions: ftp.connections,
    sessionsTotal: ftp.sessions,
    refused: ftp.refused,
    logins: ftp.logins,
    failedLogins: ftp.failedLogins,
    bans: bans(ftp),
    transfers: ftp.transfers,
    failedTransfers: ftp.failedTransfers,
    bytes: { in: ftp.bytesIn + context.stats.bytesIn, out: ftp.bytesOut + context.stats.bytesOut },
    web: { ...context.stats },
    active: context.activity.list(),
    throughput: context.throughput.points(),
    throughputStepMs: context.throughput.stepMs,
  };
}

export function eventsRoute(context: WebContext): Handler {
  return async (req, res) => {
    const { fs } = await signIn(context, req);
    if (!Object.values(fs.rights).every(Boolean)) throw new HttpError(403, 'The status view is for accounts with every right');
    startAnswer(res, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    if (req.method === 'HEAD') return void res.end();
    const stop = new AbortController();
    const end = (): void => stop.abort();
    context.closing.addEventListener('abort', end, { once: true });
    res.once('close', end);
    try {
      while (!stop.signal.aborted) {
        await writeChunk(res, `data: ${JSON.stringify(liveFigures(context))}\n\n`);
        await sleep(EVERY_MS, undefined, { signal: stop.signal }).catch(() => {});
      }
    } catch {
      // the client left: nothing more to say
    } finally {
      context.closing.removeEventListener('abort', end);
      res.end();
    }
  };
}
