import { setTimeout as sleep } from 'node:timers/promises';
import { text } from '../common/check.js';
import { anyCidrContains } from '../common/cidr.js';
import { unmapIPv4 } from '../protocol/address.js';
import type { BanList } from './ban-list.js';
import { certificateMatches, type ClientCertificate } from './client-certificate.js';
import { resolveAccount, type AuthenticatedAccount, type Authenticator, type ResolvedOptions } from './options.js';
import { accountFrom, type Account, type UserDirectory } from './users.js';

// The one place where a login is decided, for FTP (PASS, or USER with a client
// certificate) and the web API (Basic) alike: the `users` list for the names it knows,
// else the `authenticate` function, bounded by `timeouts.authenticate`; then the
// account's own rules (addresses, certificate); failures counted by the ban list. Every
// refusal, whatever its reason, is the same null, and the callers answer it the same way
// at the same time (loginDeadline), so no reason shows through.

/** One login to decide. */
export interface LoginRequest {
  name: string;
  /** Null: a login by client certificate alone. */
  password: string | null;
  address: string;
  secure: boolean;
  certificate: ClientCertificate | null;
}

export interface AuthenticationEvents {
  /** The authenticator threw, timed out or returned something that is not an account. */
  error(error: unknown, request: LoginRequest): void;
  /** A failure just banned `address`. */
  banned(address: string, failures: number, seconds: number): void;
}

export class Authentication {
  readonly #users: UserDirectory;
  readonly #authenticator: Authenticator | null;
  readonly #timeoutMs: number;
  readonly #bans: BanList | null;
  readonly #options: ResolvedOptions;
  readonly #events: AuthenticationEvents;

  constructor(options: ResolvedOptions, users: UserDirectory, bans: BanList | null, events: AuthenticationEvents) {
    this.#options = options;
    this.#users = users;
    this.#authenticator = options.authenticate;
    this.#timeoutMs = options.ms.authenticate;
    this.#bans = bans;
    this.#events = events;
  }

  /**
   * The account for this login, or null. `signal` (the session's life) stops waiting for
   * the authenticator when the client has gone. A refused password login counts towards
   * the address's ban; a refused certificate login (the client then tries a password) does not.
   */
  async login(given: LoginRequest, signal?: AbortSignal): Promise<Account | null> {
    // One key per client: `::ffff:10.0.0.1` is 10.0.0.1, however the caller wrote it.
    const request = { ...given, address: unmapIPv4(given.address) };
    if (this.#bans && this.#bans.remaining(request.address) > 0) return null;
    let account = this.#users.decides(request.name) || !this.#authenticator ? this.#users.authenticate(request.name, request.password) : await this.#ask(request, signal);
    if (account && !permits(account, request)) account = null;
    // Banned while the authenticator was deciding (guesses sent side by side): refused too.
    if (account && this.#bans && this.#bans.remaining(request.address) > 0) account = null;
    if (signal?.aborted) return null; // the client left while it was decided: no failure of its to count
    if (!account && request.password !== null && this.#bans?.failed(request.address)) {
      const ban = this.#options.ban!;
      this.#events.banned(request.address, ban.failures, ban.duration);
    }
    return account;
  }

  /** Whether logging `name` in asks the `authenticate` function (and may take time), rather than the users table alone. */
  asks(name: string): boolean {
    return this.#authenticator !== null && !this.#users.decides(name);
  }

  /** Seconds left of `address`'s ban; 0 when it is not banned. */
  bannedFor(address: string): number {
    return Math.ceil((this.#bans?.remaining(unmapIPv4(address)) ?? 0) / 1000);
  }

  /** Addresses banned now. */
  get banned(): number {
    return this.#bans?.banned ?? 0;
  }

  async #ask(request: LoginRequest, signal: AbortSignal | undefined): Promise<Account | null> {
    const controller = new AbortController();
    const seconds = this.#timeoutMs / 1000;
    const timer = setTimeout(() => controller.abort(new Error(`authenticate took longer than ${seconds} s for ${JSON.stringify(request.name)}`)), this.#timeoutMs);
    const gone = (): void => controller.abort(signal!.reason);
    signal?.addEventListener('abort', gone, { once: true });
    const context = { address: request.address, secure: request.secure, certificate: request.certificate, signal: controller.signal };
    try {
      const stopped = new Promise<never>((_, reject) => {
        if (controller.signal.aborted) reject(controller.signal.reason);
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      });
      stopped.catch(() => {}); // it also rejects once the login is decided, unheard
      // `Promise.resolve().then` turns a synchronous throw into a rejection like an async one's.
      const given = await Promise.race([Promise.resolve().then(() => this.#authenticator!(request.name, request.password, context)), stopped]);
      if (given === null) return null;
      const name = given?.name === undefined ? request.name : text('authenticate() result.name', given.name, { allowEmpty: false });
      return accountFrom(resolveAccount('authenticate() result', given as AuthenticatedAccount, name), this.#options.rate);
    } catch (error) {
      if (!signal?.aborted) this.#events.error(error, request);
      return null;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', gone);
      if (!controller.signal.aborted) controller.abort(new Error('login decided'));
    }
  }
}

/** The account's own rules: where it may log in from, and with which certificate (needed, too, when no password is given). */
function permits(account: Account, request: LoginRequest): boolean {
  if (account.addresses && !anyCidrContains(account.addresses, request.address)) return false;
  if (account.certificate) return certificateMatches(account.certificate, request.certificate);
  return request.password !== null;
}

/**
 * Waits until a refused login may be answered: `delayMs` after it started, however long
 * the decision took, so that a slow check (a hash, a directory) for a name that exists
 * cannot be told from a quick refusal of one that does not. Resolves early if `signal` aborts.
 */
export async function loginDeadline(startedAt: number, delayMs: number, signal?: AbortSignal): Promise<void> {
  const left = startedAt + delayMs - performance.now();
  if (left > 0) await sleep(left, undefined, signal ? { signal } : undefined).catch(() => {});
}
