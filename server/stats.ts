import { emptyStats, type ServerStats } from './events.js';

/**
 * The server's counters, behind one method per thing that happened: the sessions and
 * transfers that count report the event, and only this class adds it up.
 */
export class ServerCounters {
  readonly #stats = emptyStats();

  /** A copy: what `FtpServer.stats()` hands out. */
  snapshot(): ServerStats {
    return { ...this.#stats };
  }

  sessionOpened(): void {
    this.#stats.connections++;
    this.#stats.sessions++;
  }

  sessionClosed(): void {
    this.#stats.connections--;
  }

  /** A connection turned away by the limits. */
  refused(): void {
    this.#stats.refused++;
  }

  /** A trusted proxy's connection without a valid PROXY header. */
  proxyRefused(): void {
    this.#stats.proxyRefused++;
  }

  loggedIn(): void {
    this.#stats.logins++;
  }

  loginFailed(): void {
    this.#stats.failedLogins++;
  }

  /** A transfer ended, done or failed, after moving `bytes` in its direction. */
  transferred(direction: 'download' | 'upload' | 'list', bytes: number, ok: boolean): void {
    if (ok) this.#stats.transfers++;
    else this.#stats.failedTransfers++;
    if (direction === 'upload') this.#stats.bytesIn += bytes;
    else this.#stats.bytesOut += bytes;
  }
}
