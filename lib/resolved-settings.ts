import type { Auth } from './auth.js';
import type { Limits, Retry, Timeout } from './config.js';
import type { Endpoint } from './endpoint.js';
import type { Hooks } from '../common/hooks.js';
import type { SSL } from './settings.js';
import type { NameEncoding } from '../protocol/text.js';
import type { ProxyConfig } from '../protocol/proxy.js';

/**
 * A factory's options, checked and resolved once (by `new FtpPy`) and frozen: what a
 * client and a server are made from. Clients, tree operations and the server see only
 * this, never the factory, so that nothing below lib/ftppy.ts depends back on it.
 */
export interface Settings {
  readonly endpoint: Readonly<Endpoint>;
  /** undefined: anonymous. */
  readonly auth: Auth | undefined;
  readonly timeout: Timeout;
  readonly retry: Retry;
  readonly limits: Limits;
  readonly ssl: SSL | undefined;
  readonly hooks: Hooks;
  readonly passive: boolean;
  readonly trustPasvAddress: boolean;
  /** The local address connections leave from; undefined: the system's choice. */
  readonly localAddress?: string | undefined;
  /** How the client reads and writes names: 'utf8' (default) or 'latin1'. */
  readonly encoding: NameEncoding;
  /** The proxy connections go through; undefined: none. */
  readonly proxy: ProxyConfig | undefined;
}
