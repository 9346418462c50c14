import { randomUUID } from 'node:crypto';

// The WebDAV write locks (RFC 4918 §6, §7), held in memory: a restart releases them, as
// a lock is a client's claim for a while, not data. A lock is on a path of the storage
// (the user's home joined with the virtual path), so that two users whose homes overlap
// see one another's locks. Expired locks vanish when next looked at.

export type LockScope = 'exclusive' | 'shared';

export interface Lock {
  token: string;
  /** The locked path as a storage key (home + virtual path). */
  key: string;
  /** The href of the lock's root, as its owner sees it (DAV:lockroot). */
  root: string;
  scope: LockScope;
  depth: 0 | 'infinity';
  /** The client's DAV:owner element as XML text ('' when none). */
  owner: string;
  /** The account that took it: only it may use the token. */
  user: string;
  /** Seconds asked for (and granted). */
  timeout: number;
  expires: number;
}

/** Longest lock granted, in seconds; Infinite means this. */
export const MAX_TIMEOUT = 7 * 24 * 3600;
const DEFAULT_TIMEOUT = 3600;
/** Locks held at once, in all: a bound on what clients can make the server keep. */
const MAX_LOCKS = 100_000;

const isWithin = (root: string, key: string): boolean => root === key || key.startsWith(root === '/' ? '/' : `${root}/`);

/** The Timeout header (`Second-600`, `Infinite`, a list of them): the first usable one, capped. */
export function timeoutOf(header: string | undefined): number {
  for (const item of (header ?? '').split(',')) {
    const value = item.trim();
    if (/^infinite$/i.test(value)) return MAX_TIMEOUT;
    const m = /^second-(\d+)$/i.exec(value);
    if (m) return Math.max(1, Math.min(MAX_TIMEOUT, Number(m[1])));
  }
  return DEFAULT_TIMEOUT;
}

export class LockTable {
  readonly #locks = new Map<string, Lock>();

  #sweep(): void {
    const now = Date.now();
    for (const [token, lock] of this.#locks) if (lock.expires <= now) this.#locks.delete(token);
  }

  get(token: string): Lock | undefined {
    this.#sweep();
    return this.#locks.get(token);
  }

  /** The locks that cover `key`: on it, or depth infinity on a folder above it. */
  covering(key: string): Lock[] {
    this.#sweep();
    return [...this.#locks.values()].filter((l) => l.key === key || (l.depth === 'infinity' && isWithin(l.key, key)));
  }

  /** The locks on `key` or anywhere below it. */
  below(key: string): Lock[] {
    this.#sweep();
    return [...this.#locks.values()].filter((l) => isWithin(key, l.key));
  }

  /** The locks a new one on `key` with `depth` would share its resources with. */
  overlapping(key: string, depth: 0 | 'infinity'): Lock[] {
    const found = new Set(this.covering(key));
    if (depth === 'infinity') for (const l of this.below(key)) found.add(l);
    return [...found];
  }

  /** Takes a lock; null when there are too many already. */
  add(lock: Omit<Lock, 'token' | 'expires'>): Lock | null {
    this.#sweep();
    if (this.#locks.size >= MAX_LOCKS) return null;
    const made: Lock = { ...lock, token: `urn:uuid:${randomUUID()}`, expires: Date.now() + lock.timeout * 1000 };
    this.#locks.set(made.token, made);
    return made;
  }

  refresh(lock: Lock, timeout: number): void {
    lock.timeout = timeout;
    lock.expires = Date.now() + timeout * 1000;
  }

  remove(token: string): boolean {
    return this.#locks.delete(token);
  }

  /** The resource at `key` is gone (deleted or moved away): so are the locks on it and below. */
  dropBelow(key: string): void {
    for (const lock of this.below(key)) this.#locks.delete(lock.token);
  }
}
