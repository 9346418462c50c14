import { emptyStats, type ServerStats, type TransferDirection } from './events.js';

/**
 * The server's counters, behind one method per thing that happened: the sessions and
 * transfers that count report the event, and only this class adds it up.
 */
export class ServerCounters {
  readonly #stats = emptyStats();

  /** A copy: what `FtpServer.stats()` hands out. */
  snapshot(): ServerStats {
    const { byDirection: d } = this.#stats;
    return { ...this.#stats, byDirection: { download: { ...d.download }, upload: { ...d.upload }, list: { ...d.list } } };
  }

  sessionOpened(): void {
    this.#stats.connections++;
    this.#stats.sessions++;
  }

  sessionClosed(): void {
    this.#stats.connections--;
  }

  /** A connection turned away because its address is banned. */
  refusedBanned(): void {
    this.#stats.bannedRefused++;
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
  transferred(direction: TransferDirection, bytes: number, ok: boolean): void {
    const each = this.#stats.byDirection[direction];
    if (ok) {
      this.#stats.transfers++;
      each.transfers++;
    } else {
      this.#stats.failedTransfers++;
      each.failed++;
    }
    each.bytes += bytes;
    if (direction === 'upload') this.#stats.bytesIn += bytes;
    else this.#stats.bytesOut += bytes;
  }

  /** A passive port started listening (PASV/EPSV). */
  passiveOpened(): void {
    this.#stats.passivePorts++;
  }

  /** A passive port is done with: its transfer ended, or it was replaced or never used. */
  passiveClosed(): void {
    this.#stats.passivePorts--;
  }
}
