import { createHash, timingSafeEqual } from 'node:crypto';
import { mergeRate, NO_RATE, type Quota, type Rate } from './account-policy.js';
import type { AnonymousOptions, Rights, UserAccountOptions } from './options.js';

/** Who logged in, and what they may do. */
export interface Account {
  /** The login name (for anonymous logins: the name used, e.g. `anonymous`). */
  name: string;
  anonymous: boolean;
  /** The user's root: a path inside the server's storage. */
  home: string;
  rights: Rights;
  /** Bandwidth per transfer, bytes per second (the account's own over the server's default). */
  rate?: Rate;
  /** Limits over the home, or null/absent for none. */
  quota?: Quota | null;
}

interface StoredAccount {
  account: Account;
  digest: Buffer;
}

const digest = (password: string): Buffer => createHash('sha256').update(password, 'utf8').digest();

// Compared when the name is unknown, so that an unknown user costs the same time as a
// wrong password and the two cannot be told apart by timing.
const NOBODY = digest('\0no such user\0');

/**
 * The accounts a server knows. `authenticate` is the one place where a login is decided,
 * for FTP and the web API alike.
 */
export class UserDirectory {
  readonly #accounts = new Map<string, StoredAccount>();
  readonly #anonymous: AnonymousOptions | null;

  readonly #rate: Rate;

  constructor(users: readonly UserAccountOptions[], anonymous: AnonymousOptions | null, rate: Rate = NO_RATE) {
    this.#rate = rate;
    for (const user of users) {
      const account: Account = {
        name: user.name,
        anonymous: false,
        home: user.home ?? '/',
        rights: { ...(user.rights as Rights) },
        rate: mergeRate(user.rate, rate),
        quota: (user.quota as Quota | undefined) ?? null,
      };
      this.#accounts.set(user.name, { account, digest: digest(user.password) });
    }
    this.#anonymous = anonymous;
  }

  /** True when anonymous logins are accepted at all. */
  get anonymousAllowed(): boolean {
    return this.#anonymous !== null;
  }

  /** True when `name` logs in anonymously (any password, by custom an e-mail address). */
  isAnonymousName(name: string): boolean {
    return this.#anonymous?.names?.includes(name.toLowerCase()) === true && !this.#accounts.has(name);
  }

  /**
   * The account for these credentials, or null. The answer takes the same time for an
   * unknown name and for a wrong password.
   */
  authenticate(name: string, password: string): Account | null {
    if (this.isAnonymousName(name)) {
      const a = this.#anonymous!;
      return { name, anonymous: true, home: a.home ?? '/', rights: { ...(a.rights as Rights) }, rate: mergeRate(a.rate, this.#rate), quota: (a.quota as Quota | undefined) ?? null };
    }
    const stored = this.#accounts.get(name);
    const match = timingSafeEqual(digest(password), stored?.digest ?? NOBODY);
    return stored && match ? { ...stored.account, rights: { ...stored.account.rights } } : null;
  }
}
