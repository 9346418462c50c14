import type { BanOptions } from './options.js';

// The ban list (SFTPGo's "defender", fail2ban inside the server): failed logins are
// counted per client address across connections, FTP and web alike, and an address with
// `failures` of them within `window` seconds is refused for `duration` seconds. Only the
// address is banned, never the account: its owner logs in from anywhere else.
//
// Bounded: at most `capacity` addresses are tracked. A failure past it forgets the least
// recently seen address that is not banned (an attacker spreading failures over many
// addresses evicts its own counts first); only when every tracked address is banned does
// the oldest ban go. Expired entries go as they are met, and a few per failure from the
// oldest end, so a table no one looks at empties itself.

interface Entry {
  /** When each failure within the window happened (ms), oldest first; at most `failures`. */
  failures: number[];
  /** Banned until then (ms); 0 when not banned. */
  until: number;
}

/** Oldest entries looked at per failure, to drop the expired ones. */
const SWEEP = 4;

export class BanList {
  readonly #failures: number;
  readonly #windowMs: number;
  readonly #durationMs: number;
  readonly #capacity: number;
  readonly #now: () => number;
  // In order of last change: the first entries are the least recently seen.
  readonly #entries = new Map<string, Entry>();

  constructor(options: Required<BanOptions>, now: () => number = () => performance.now()) {
    this.#failures = options.failures;
    this.#windowMs = options.window * 1000;
    this.#durationMs = options.duration * 1000;
    this.#capacity = options.capacity;
    this.#now = now;
  }

  /** Milliseconds left of `address`'s ban; 0 when it is not banned. */
  remaining(address: string): number {
    const entry = this.#entries.get(address);
    if (!entry) return 0;
    const left = entry.until - this.#now();
    if (left > 0) return left;
    if (entry.until !== 0) this.#entries.delete(address); // served its time: counted afresh
    return 0;
  }

  /** A failed login from `address`. True when this failure bans it. */
  failed(address: string): boolean {
    const now = this.#now();
    this.#sweep(now);
    if (this.remaining(address) > 0) return false;
    const entry = this.#entries.get(address) ?? { failures: [], until: 0 };
    this.#entries.delete(address);
    this.#entries.set(address, entry);
    while (entry.failures.length > 0 && now - entry.failures[0]! >= this.#windowMs) entry.failures.shift();
    entry.failures.push(now);
    if (entry.failures.length >= this.#failures) {
      entry.failures = [];
      entry.until = now + this.#durationMs;
      this.#bound(address);
      return true;
    }
    this.#bound(address);
    return false;
  }

  /** Addresses banned now. */
  get banned(): number {
    const now = this.#now();
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.until > now) count++;
    return count;
  }

  /** Addresses tracked (banned or counting failures). */
  get size(): number {
    return this.#entries.size;
  }

  #sweep(now: number): void {
    let looked = 0;
    for (const [address, entry] of this.#entries) {
      if (looked++ >= SWEEP) break;
      const last = entry.failures.at(-1);
      if (entry.until <= now && (last === undefined || now - last >= this.#windowMs)) this.#entries.delete(address);
    }
  }

  #bound(keep: string): void {
    if (this.#entries.size <= this.#capacity) return;
    const now = this.#now();
    for (const [address, entry] of this.#entries) {
      if (address !== keep && entry.until <= now) {
        this.#entries.delete(address);
        return;
      }
    }
    for (const address of this.#entries.keys()) {
      if (address !== keep) {
        this.#entries.delete(address);
        return;
      }
    }
  }
}
