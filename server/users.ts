import { createHash, timingSafeEqual } from 'node:crypto';
import { parseCidrList, type Cidr } from '../common/cidr.js';
import type { CertificateRule } from './client-certificate.js';
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
  /** Where the account may log in from; null: anywhere. */
  addresses: readonly Cidr[] | null;
  /** The client certificate the account must present; null: none needed. */
  certificate: CertificateRule | null;
  /** Bandwidth per transfer, bytes per second (the account's own over the server's default). */
  rate?: Rate;
  /** Limits over the home, or null/absent for none. */
  quota?: Quota | null;
}

interface StoredAccount {
  account: Account;
  /** Null for an account that logs in by certificate alone. */
  digest: Buffer | null;
}

const digest = (password: string): Buffer => createHash('sha256').update(password, 'utf8').digest();

// Compared when the name is unknown, so that an unknown user costs the same time as a
// wrong password and the two cannot be told apart by timing.
const NOBODY = digest('\0no such user\0');

/** An account from options already checked (options.ts resolveAccount). */
export function accountFrom(options: UserAccountOptions, defaultRate: Rate): Account {
  return {
    name: options.name,
    anonymous: false,
    home: options.home ?? '/',
    rights: { ...(options.rights as Rights) },
    addresses: options.addresses === undefined ? null : parseCidrList('addresses', options.addresses),
    certificate: options.certificate ?? null,
    rate: mergeRate(options.rate, defaultRate),
    quota: (options.quota as Quota | undefined) ?? null,
  };
}

/**
 * The accounts of the `users` list, and anonymous access. Whether a login also passes
 * the account's address and certificate rules, or goes to the `authenticate` function,
 * is decided in authentication.ts.
 */
export class UserDirectory {
  readonly #accounts = new Map<string, StoredAccount>();
  readonly #anonymous: AnonymousOptions | null;

  readonly #rate: Rate;

  constructor(users: readonly UserAccountOptions[], anonymous: AnonymousOptions | null, rate: Rate = NO_RATE) {
    this.#rate = rate;
    for (const user of users) {
      this.#accounts.set(user.name, { account: accountFrom(user, rate), digest: user.password === undefined ? null : digest(user.password) });
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

  /** True when this list decides `name`'s logins: one of its accounts, or an anonymous name. */
  decides(name: string): boolean {
    return this.#accounts.has(name) || this.isAnonymousName(name);
  }

  /**
   * The account for these credentials, or null. The answer takes the same time for an
   * unknown name and for a wrong password. A null password (a login by certificate)
   * finds only an account without a password.
   */
  authenticate(name: string, password: string | null): Account | null {
    if (this.isAnonymousName(name)) {
      if (password === null) return null;
      const a = this.#anonymous!;
      return { name, anonymous: true, home: a.home ?? '/', rights: { ...(a.rights as Rights) }, addresses: null, certificate: null, rate: mergeRate(a.rate, this.#rate), quota: (a.quota as Quota | undefined) ?? null };
    }
    const stored = this.#accounts.get(name);
    if (password === null) return stored && stored.digest === null ? copy(stored.account) : null;
    const match = timingSafeEqual(digest(password), stored?.digest ?? NOBODY);
    return stored?.digest && match ? copy(stored.account) : null;
  }
}

const copy = (account: Account): Account => ({ ...account, rights: { ...account.rights } });
