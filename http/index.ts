import type { AddressInfo } from 'node:net';
import { WebActivity } from './activity.js';
import type { ConnectionCaps } from './connection-gate.js';
import type { WebBackend, WebContext, WebLimits } from './context.js';
import { Throughput } from './throughput.js';
import { WebListeners, type RequestHook } from './web-server.js';
import { positiveNumber, trueOrFalse, wholeNumber } from '../common/check.js';

// The web API of an FTP server (the seed's "Web Interface API"): status, file downloads,
// uploads and deletes over HTTP, for the same users, rights and files as the FTP side.
// `lib/serve.ts` starts it beside the FTP server on the FTP port + 1.

export type { WebBackend, WebLimits } from './context.js';
export type { WebEntry } from './entry.js';
export type { RequestHook, WebHookRequest, WebHookResponse } from './web-server.js';

export interface WebServerOptions {
  /** The FTP server (an `FtpServer`): its users, their files and rights, its counters. */
  server: WebBackend & { readonly options: { readonly host: string; readonly limits: ConnectionCaps } };
  /**
   * Host name or address to listen on; a name listens on every address it resolves to.
   * Default: the FTP server's host.
   */
  host?: string;
  /** Port; 0 picks a free one. Default: the FTP server's port + 1. */
  port?: number;
  /** The seed's `request` hook: (request, response, duration in seconds), for every request. */
  hooks?: { request?: RequestHook | undefined };
  /**
   * Bounds on what a request may send (beyond them the answer is 413), and on open
   * connections, in all and from one address (beyond them the answer is 503, or a close
   * over HTTPS). The connection caps default to the FTP server's `limits`.
   */
  limits?: Partial<WebLimits & ConnectionCaps>;
  /** Seconds a connection may stay silent before it is closed (default 300). */
  timeout?: number;
  /** Seconds for a request's headers to arrive (default 60); then the connection is closed. */
  headerTimeout?: number;
  /** Seconds an upload's body may stay silent before it is cut and its file dropped (default 60). */
  bodyTimeout?: number;
  /** Seconds `close()` lets requests in progress finish (default 10). */
  grace?: number;
  /** Serve HTTPS with this certificate instead of plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer | undefined } | null;
  /** The version `GET /` reports. */
  version?: string;
  /** Serve `GET /metrics` (Prometheus text format, no login). Default true. */
  metrics?: boolean;
  /** Serve `GET /healthz` (200 serving, 503 draining, no login). Default true. */
  health?: boolean;
}

export interface WebServer {
  /** The port it listens on (the one picked, when asked for port 0). */
  readonly port: number;
  /** The first address it listens on. */
  readonly address: string;
  /** Every address it listens on. */
  readonly addresses: AddressInfo[];
  /** Stops accepting, lets requests in progress finish (within `grace`), then closes. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_LIMITS: WebLimits = {
  bodyBytes: 4 * 1024 ** 3,
  partHeaderBytes: 16 * 1024,
  parts: 100,
};

const positive = (field: string, value: number | undefined, fallback: number): number => (value === undefined ? fallback : positiveNumber(`web ${field}`, value));
const wholePositive = (field: string, value: number | undefined, fallback: number): number => (value === undefined ? fallback : wholeNumber(`web ${field}`, value, 1));

function resolveCaps(limits: Partial<ConnectionCaps> = {}, ftp: ConnectionCaps): ConnectionCaps {
  return {
    connections: wholePositive('limits.connections', limits.connections, ftp.connections),
    perAddress: wholePositive('limits.perAddress', limits.perAddress, ftp.perAddress),
  };
}

function resolveLimits(limits: Partial<WebLimits> = {}): WebLimits {
  return {
    bodyBytes: positive('limits.bodyBytes', limits.bodyBytes, DEFAULT_LIMITS.bodyBytes),
    partHeaderBytes: positive('limits.partHeaderBytes', limits.partHeaderBytes, DEFAULT_LIMITS.partHeaderBytes),
    parts: positive('limits.parts', limits.parts, DEFAULT_LIMITS.parts),
  };
}

/** Starts the web API and resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { server } = options;
  const port = options.port ?? server.port + 1;
  wholeNumber('web port', port, 0, 65535);
  let listeners: WebListeners | null = null;
  const closing = new AbortController();
  const context: WebContext = {
    backend: server,
    limits: resolveLimits(options.limits),
    stats: { requests: 0, uploads: 0, downloads: 0, bytesIn: 0, bytesOut: 0 },
    started: new Date(),
    version: options.version ?? 'unknown',
    port: () => listeners?.addresses[0]?.port ?? port,
    activity: new WebActivity(),
    throughput: new Throughput(),
    closing: closing.signal,
  };
  const hook = options.hooks?.request ?? null;
  if (hook !== null && typeof hook !== 'function') throw new TypeError('web hooks.request must be a function');
  listeners = new WebListeners(context, hook, {
    metrics: options.metrics === undefined ? true : trueOrFalse('web metrics', options.metrics),
    health: options.health === undefined ? true : trueOrFalse('web health', options.health),
  });
  const graceMs = positive('grace', options.grace, 10) * 1000;
  await listeners.listen({
    host: options.host ?? server.options.host,
    port,
    idleMs: positive('timeout', options.timeout, 300) * 1000,
    headersMs: positive('headerTimeout', options.headerTimeout, 60) * 1000,
    bodyMs: positive('bodyTimeout', options.bodyTimeout, 60) * 1000,
    caps: resolveCaps(options.limits, server.options.limits),
    tls: options.tls ?? null,
  });
  const bound = listeners;
  const sampler = sampleThroughput(context);
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    clearInterval(sampler);
    closing.abort();
    return (closed ??= bound.close(graceMs));
  };
  return {
    port: context.port(),
    address: bound.addresses[0]!.address,
    addresses: bound.addresses,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Samples FTP and web byte totals for the status view's chart, until the server closes. */
function sampleThroughput(context: WebContext): NodeJS.Timeout {
  const sample = (): void => {
    const ftp = context.backend.stats();
    context.throughput.sample(Date.now(), ftp.bytesIn + context.stats.bytesIn, ftp.bytesOut + context.stats.bytesOut);
  };
  sample();
  return setInterval(sample, context.throughput.stepMs).unref();
}
