import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.js';

// Reading a request body as a stream with a bound, and what to do with the part of a
// body we refused. Node's own default (read and discard the rest, whatever its size)
// would let a refused 10 GiB upload keep the connection busy for as long as it takes.

/** How much of a refused body is read and dropped, so the client sees our answer instead of a reset. */
const DRAIN_BYTES = 1024 * 1024;
const DRAIN_MS = 5000;

const continued = new WeakSet<IncomingMessage>();

/** The declared length, or null for a chunked body. A malformed one never gets here: Node's parser refuses it. */
function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers['content-length'];
  return header === undefined ? null : Number(header);
}

/**
 * The body's chunks, in order, with backpressure (the next chunk is read only when the
 * caller asks for it). More than `limit` bytes is a 413: at once, when Content-Length
 * says so, else as soon as the bound is passed. `Expect: 100-continue` is answered when
 * the first chunk is asked for, so after every check the route makes before reading.
 */
export function bodyChunks(req: IncomingMessage, res: ServerResponse, limit: number): AsyncGenerator<Buffer> {
  const declared = declaredLength(req);
  if (declared !== null && declared > limit) throw tooLarge(limit);
  return readBody(req, res, limit);
}

async function* readBody(req: IncomingMessage, res: ServerResponse, limit: number): AsyncGenerator<Buffer> {
  if (/^100-continue$/i.test(req.headers.expect ?? '') && !res.headersSent) res.writeContinue();
  continued.add(req);
  let total = 0;
  // Leaving the loop early (a refused body) must not destroy the request: its socket is
  // still needed for our answer.
  const chunks = req.iterator({ destroyOnReturn: false });
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = (await chunks.next()) as IteratorResult<Buffer>;
      } catch (error) {
        throw new HttpError(400, 'The request body was cut short', {}, { cause: error });
      }
      if (next.done) break;
      total += next.value.length;
      if (total > limit) throw tooLarge(limit);
      yield next.value;
    }
  } finally {
    await chunks.return?.();
  }
  if (!req.complete) throw new HttpError(400, 'The request body was cut short');
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body larger than ${limit} bytes`);
}

/**
 * Called before answering a request whose body may be partly unread. A client that is
 * still waiting for 100 Continue never sends its body: we close after the answer. One
 * that is sending gets its next megabyte (or five seconds) read and dropped, so that
 * it can read our answer before the connection is cut; closing at once while its bytes
 * arrive would reset the connection and could throw our answer away with it.
 */
export function settleUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || req.method === 'GET' || req.method === 'HEAD') return;
  if (!continued.has(req) && /^100-continue$/i.test(req.headers.expect ?? '')) {
    res.shouldKeepAlive = false;
    res.setHeader('Connection', 'close');
    return;
  }
  let dropped = 0;
  const cut = (): void => {
    req.socket.destroy();
  };
  const timer = setTimeout(cut, DRAIN_MS);
  timer.unref();
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
