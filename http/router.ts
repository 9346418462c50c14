import type { IncomingMessage, ServerResponse } from 'node:http';
import { settleUnreadBody } from './body.js';
import { HttpError, toHttpError } from './errors.js';
import { sendError, startAnswer } from './respond.js';
import { parseTarget, type RequestTarget } from './target.js';

// A router small enough to read in one sitting: a route is a fixed first path segment
// (or the bare `/`) and a handler per method. It answers what every route would answer
// the same way: 404 for no route, 405 with Allow for a method the route lacks, OPTIONS,
// HEAD served by the GET handler (Node drops the body), and any error as JSON.

export type Handler = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;

export interface Route {
  /** The first path segment (`files` for `/files/…`), or null for `/` alone. */
  segment: string | null;
  methods: Partial<Record<string, Handler>>;
  /** Extra headers OPTIONS answers with (WebDAV's `DAV: 1, 2`). */
  options?: Record<string, string>;
}

export class Router {
  readonly #routes: readonly Route[];
  readonly #onInternalError: (error: unknown, req: IncomingMessage) => void;

  /** `onInternalError` hears about failures no client can cause (a 500): bugs, a broken storage. */
  constructor(routes: readonly Route[], onInternalError: (error: unknown, req: IncomingMessage) => void) {
    this.#routes = routes;
    this.#onInternalError = onInternalError;
  }

  /** Serves one request; never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const target = parseTarget(req.url ?? '/');
      const route = this.#routes.find((r) => (r.segment === null ? target.segments.length === 0 : target.segments[0] === r.segment));
      if (!route) throw new HttpError(404, `Nothing here: ${target.rawPath.slice(0, 200)}`);
      const allow = allowed(route);
      const method = req.method ?? 'GET';
      if (method === 'OPTIONS') {
        startAnswer(res, 204, { ...route.options, Allow: allow });
        res.end();
        return;
      }
      const handler = route.methods[method] ?? (method === 'HEAD' ? route.methods.GET : undefined);
      if (!handler) throw new HttpError(405, `Method ${method} is not allowed here`, { Allow: allow });
      await handler(req, res, target);
    } catch (error) {
      const answer = toHttpError(error);
      if (answer.status >= 500 && answer.status !== 507) this.#onInternalError(error, req);
      settleUnreadBody(req, res);
      sendError(res, answer);
    }
  }
}

function allowed(route: Route): string {
  const methods = Object.keys(route.methods);
  if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
  return [...methods, 'OPTIONS'].join(', ');
}
