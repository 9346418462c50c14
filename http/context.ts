import type { IncomingMessage } from 'node:http';
import type { Account, ServerStats, UserFileSystem } from '../server/index.js';
import type { WebActivity } from './activity.js';
import { identify, type Caller, type WebUsers } from './auth.js';
import type { BanCheck } from './banned.js';
import type { ProxyOrigins } from './proxied-front.js';
import type { Throughput } from './throughput.js';

// What every route shares: the FTP server it fronts, the bounds, the web side's own
// counters, and signing a request in.

/**
 * What the web API needs from the FTP server: its users (and their rights), each user's
 * filesystem, its counters and where it listens. An `FtpServer` is one.
 */
export interface WebBackend extends WebUsers, BanCheck, Partial<ProxyOrigins> {
  filesystem(account: Account): Promise<UserFileSystem>;
  stats(): ServerStats;
  /** True while the FTP server drains before it stops (GET /healthz answers 503). */
  readonly draining: boolean;
  readonly port: number;
  /** `proxyProtocol`: set when the server trusts PROXY-protocol proxies; the web port then does too. */
  readonly options: WebUsers['options'] & { readonly tls: { readonly implicit: boolean } | null; readonly proxyProtocol?: object | null };
}

export interface WebLimits {
  /** Largest request body (an upload) in bytes. */
  bodyBytes: number;
  /** Largest header block of one multipart part. */
  partHeaderBytes: number;
  /** Most parts in one multipart body. */
  parts: number;
}

export interface WebStats {
  requests: number;
  /** Files stored through the web API. */
  uploads: number;
  /** File bodies served (whole or ranges). */
  downloads: number;
  bytesIn: number;
  bytesOut: number;
}

export interface WebContext {
  backend: WebBackend;
  limits: WebLimits;
  stats: WebStats;
  started: Date;
  version: string;
  /** The port the web API listens on. */
  port(): number;
  /** The web transfers under way, and bytes per second over the last minutes (the status view). */
  activity: WebActivity;
  throughput: Throughput;
  /** Aborted when close() begins: endless answers (the events stream) end then. */
  closing: AbortSignal;
}

export interface SignedIn {
  caller: Caller;
  fs: UserFileSystem;
}

/** Who is calling, and the filesystem they see (their root, their rights). */
export async function signIn(context: WebContext, req: IncomingMessage): Promise<SignedIn> {
  const caller = await identify(context.backend, req);
  return { caller, fs: await context.backend.filesystem(caller.account) };
}
