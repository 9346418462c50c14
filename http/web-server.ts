import { setClientAddress, transportOf } from './client-address.js';
import { lookup } from 'node:dns/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { callUser, type HookRequest, type HookResponse } from '../common/hooks.js';
import { describe, warn } from '../common/warnings.js';
import { refuseBanned } from './banned.js';
import { settleUnreadBody } from './body.js';
import { ConnectionGate, type ConnectionCaps } from './connection-gate.js';
import { ProxiedFront } from './proxied-front.js';
import type { WebContext } from './context.js';
import { DAV_HEADERS, davMethods } from './dav/index.js';
import { downloadRoute } from './download.js';
import { healthRoute, metricsRoute } from './metrics.js';
import { eventsRoute } from './events.js';
import { mkdirRoute } from './mkdir.js';
import { moveRoute } from './move.js';
import { searchRoute } from './search.js';
import { zipRoute } from './zip-download.js';
import { Router } from './router.js';
import { statusRoute } from './status.js';
import { multipartUploadRoute, rawUploadRoute } from './upload.js';

// A connection over a cap lives this long from its connect, at most.
const REFUSED_MS = 1000;
const REFUSED_BODY = JSON.stringify({ error: 'Too many connections: try again later', status: 503 });
const REFUSED_ANSWER = [
  'HTTP/1.1 503 Service Unavailable',
  'Retry-After: 10',
  'Content-Type: application/json',
  `Content-Length: ${Buffer.byteLength(REFUSED_BODY)}`,
  'Cache-Control: no-store',
  'Connection: close',
  '',
  REFUSED_BODY,
].join('\r\n');

// The listeners, the request hook and an orderly close. One node:http server per address
// the host resolves to, all on the same port, as the FTP server does: `localhost` means
// both 127.0.0.1 and ::1.

/** What the request hook sees of a request (the seed's `request.method`, `request.path`, the path as sent, still percent-encoded, without the query), and the whole request target. */
export interface WebHookRequest extends HookRequest {
  /** The whole request target, query included. */
  url: string;
}

/** What the request hook sees of the answer (the seed's `response.status`). */
export type WebHookResponse = HookResponse;

/** Called once per request when its answer is complete (or the client left); `duration` in seconds. */
export type RequestHook = (request: WebHookRequest, response: WebHookResponse, duration: number) => unknown;

export interface ListenOptions {
  host: string;
  port: number;
  /** Milliseconds a connection may stay silent before it is closed. */
  idleMs: number;
  /** Milliseconds for a request's headers to arrive, from the first byte. */
  headersMs: number;
  /** Milliseconds a request body may stay silent before the upload is cut. */
  bodyMs: number;
  caps: ConnectionCaps;
  tls: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer | undefined } | null;
}

/** With a CA bundle, a client certificate is asked for (never required: the login decides what it proves), as on FTP. */
const clientCertificates = (tls: { ca?: unknown }): { requestCert?: boolean; rejectUnauthorized?: boolean } =>
  tls.ca === undefined ? {} : { requestCert: true, rejectUnauthorized: false };

export class WebListeners {
  readonly #servers: Server[] = [];
  // Behind PROXY-protocol proxies: the listeners in front of #servers, which then never listen themselves.
  readonly #fronts: NetServer[] = [];
  #front: ProxiedFront | null = null;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #router: Router;
  readonly #context: WebContext;
  readonly #hook: RequestHook | null;
  #gate: ConnectionGate | null = null;
  #idleMs = 0;
  #bodyMs = 0;

  constructor(context: WebContext, hook: RequestHook | null, endpoints: { metrics: boolean; health: boolean } = { metrics: true, health: true }) {
    this.#context = context;
    this.#hook = hook;
    // WebDAV on the same URLs: DELETE is its own, its PUT wraps the web API's with lock checks.
    const files = {
      GET: downloadRoute(context),
      POST: multipartUploadRoute(context),
      ...davMethods(context, rawUploadRoute(context)),
    };
    this.#router = new Router(
      [
        { segment: null, methods: { GET: statusRoute(context) } },
        { segment: 'files', methods: files, options: DAV_HEADERS },
        ...(endpoints.metrics ? [{ segment: 'metrics', methods: { GET: metricsRoute(context) } }] : []),
        ...(endpoints.health ? [{ segment: 'healthz', methods: { GET: healthRoute(context) } }] : []),
        // The file manager's own calls (page.ts), kept off /files/ where WebDAV has its methods.
        { segment: 'mkdir', methods: { POST: mkdirRoute(context) } },
        { segment: 'move', methods: { POST: moveRoute(context) } },
        { segment: 'zip', methods: { GET: zipRoute(context) } },
        { segment: 'search', methods: { GET: searchRoute(context) } },
        { segment: 'events', methods: { GET: eventsRoute(context) } },
      ],
      (error, req) => warn(`web API: ${req.method} ${req.url} failed: ${describe(error)}`, 'FTPPY_ERR_WEB'),
    );
  }

  get addresses(): AddressInfo[] {
    return (this.#front ? this.#fronts : this.#servers).map((s) => s.address() as AddressInfo);
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const start = process.hrtime.bigint();
    this.#context.stats.requests++;
    const hook = this.#hook;
    if (hook) {
      res.once('close', () => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        void callUser(
          'hook request',
          hook,
          { method: req.method ?? 'GET', path: q === -1 ? url : url.slice(0, q), url, headers: { ...req.headers } },
          { status: res.statusCode, headers: res.getHeaders() },
          Number(process.hrtime.bigint() - start) / 1e9,
        );
      });
    }
    if (this.#front) setClientAddress(req, this.#front.address(transportOf(req.socket)));
    if (this.#gate?.refused(req.socket)) {
      // Answered (503) when it connected; its request is read and dropped until it closes.
      res.statusCode = 503;
      req.resume();
      return;
    }
    if (refuseBanned(this.#context.backend, req, res)) return;
    this.#boundBody(req, res);
    const handled = this.#router.handle(req, res);
    this.#inFlight.add(handled);
    void handled.finally(() => this.#inFlight.delete(handled));
  }

  /**
   * While a request body is read, the connection may stay silent for `bodyMs` only (a
   * slow upload holds a temporary file); once it is read, the idle timeout is back.
   * Node's timeout handler destroys the socket, the body read fails, the file is dropped.
   */
  #boundBody(req: IncomingMessage, res: ServerResponse): void {
    const { 'content-length': length, 'transfer-encoding': encoding } = req.headers;
    if (req.complete || (encoding === undefined && (length === undefined || length === '0'))) return;
    const socket = req.socket;
    socket.setTimeout(this.#bodyMs);
    const restore = (): void => {
      req.off('end', restore);
      res.off('finish', restore);
      if (!socket.destroyed) socket.setTimeout(this.#idleMs);
    };
    req.once('end', restore);
    res.once('finish', restore);
  }

  /**
   * A new connection: counted, or (over a cap) answered 503 at once on plain HTTP, before
   * its request, and closed at once on HTTPS. A refused connection lives at most
   * REFUSED_MS from its connect, whatever it sends: an idle timeout would let a client
   * that drips a byte a second keep any number of them.
   */
  #connected(socket: Socket, tls: boolean): void {
    const gate = this.#gate!;
    if (gate.admit(socket, this.#front?.address(socket))) return;
    const deadline = setTimeout(() => socket.destroy(), REFUSED_MS);
    socket.once('close', () => clearTimeout(deadline));
    // Before the TLS handshake nothing can be said: as the FTP side does with implicit FTPS.
    if (tls || gate.tooManyRefusing) socket.destroy();
    // Half-closed, not destroyed: the request still arriving is read, so the kernel sends
    // no reset that could discard the answer before the client reads it.
    else socket.end(REFUSED_ANSWER);
  }

  async listen(options: ListenOptions): Promise<void> {
    const { host, tls } = options;
    this.#gate = new ConnectionGate(options.caps);
    this.#idleMs = options.idleMs;
    this.#bodyMs = options.bodyMs;
    // Node checks the header deadline only this often (30 s by default).
    const connectionsCheckingInterval = Math.max(100, Math.min(30_000, options.headersMs / 4));
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    const backend = this.#context.backend;
    if (backend.options.proxyProtocol && backend.expectsProxyHeader && backend.connectionOrigin) {
      this.#front = new ProxiedFront({ expectsProxyHeader: (s) => backend.expectsProxyHeader!(s), connectionOrigin: (s) => backend.connectionOrigin!(s) });
    }
    let port = options.port;
    try {
      for (const address of addresses) {
        const serve = (req: IncomingMessage, res: ServerResponse): void => this.#serve(req, res);
        const server = tls
          ? createHttpsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, connectionsCheckingInterval, handshakeTimeout: options.headersMs, ...clientCertificates(tls) }, serve)
          : createHttpServer({ connectionsCheckingInterval }, serve);
        server.on('connection', (socket: Socket) => this.#connected(socket, tls !== null));
        // An upload of many gigabytes takes longer than any fixed request deadline; a
        // connection that stops moving is what gets closed.
        server.requestTimeout = 0;
        server.headersTimeout = options.headersMs;
        server.setTimeout(options.idleMs);
        // Answered in the routes, after the checks that need no body (body.ts).
        server.on('checkContinue', serve);
        const listener = this.#front?.listener(server, tls !== null) ?? server;
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen({ host: address, port }, () => {
            listener.off('error', reject);
            resolve();
          });
        });
        listener.on('error', () => {}); // once listening, failures are per connection, answered by Node
        this.#servers.push(server);
        if (listener !== server) this.#fronts.push(listener as NetServer);
        port = (listener.address() as AddressInfo).port;
      }
    } catch (error) {
      await this.close(0);
      throw error;
    }
  }

  /**
   * Stops accepting, closes idle keep-alive connections, lets requests in progress run for
   * up to `graceMs`, then cuts them. Resolves when every handler has settled (a cut upload
   * has thrown its temporary file away by then).
   */
  async close(graceMs: number): Promise<void> {
    for (const front of this.#fronts.splice(0)) front.close();
    this.#front?.cutPending();
    const closed = this.#servers.splice(0).map((server) => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      return { server, done };
    });
    const timer = setTimeout(() => closed.forEach(({ server }) => server.closeAllConnections()), graceMs);
    await Promise.all([...this.#inFlight]);
    // Connections whose last request finished meanwhile are idle now.
    closed.forEach(({ server }) => server.closeIdleConnections());
    await Promise.all(closed.map(({ done }) => done));
    clearTimeout(timer);
  }
}
