import type { Authentication } from './authentication.js';
import type { ServerEvents } from './events.js';
import type { Storage } from './fs/storage.js';
import type { ResolvedOptions } from './options.js';
import type { ServerCounters } from './stats.js';
import type { SessionTls } from './tls.js';

/** What a session needs from its server. */
export interface ServerContext {
  readonly options: ResolvedOptions;
  /** Decides logins (users, authenticator, account rules, bans). */
  readonly authentication: Authentication;
  readonly storage: Storage;
  readonly counters: ServerCounters;
  /** A fresh TLS context for a new session, or null when TLS is not configured. */
  sessionTls(): SessionTls | null;
  emit<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): void;
}
