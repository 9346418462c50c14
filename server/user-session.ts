import type { UserFileSystem } from './fs/user-fs.js';
import type { HashAlgorithm } from '../common/hash.js';
import type { LoginState } from './session-state.js';
import type { Account } from './users.js';

/**
 * Who is logged in over a session and what they have chosen: the login state
 * (session-state.ts draws it), the user's filesystem and working directory, a pending
 * RNFR, and the OPTS choices. REIN resets all of it.
 */
export class UserSession {
  #state: LoginState = 'connecting';
  #pendingUser: string | null = null;
  #account: Account | null = null;
  #fs: UserFileSystem | null = null;
  #cwd = '/';
  #failedLogins = 0;
  #renameFrom: string | null = null;
  #mlstFacts: string[] | null = null;
  #hashAlgorithm: HashAlgorithm = 'SHA-256';

  get state(): LoginState {
    return this.#state;
  }

  /** The name given by USER, waiting for PASS. */
  get pendingUser(): string | null {
    return this.#pendingUser;
  }

  get account(): Readonly<Account> | null {
    return this.#account;
  }

  get fs(): UserFileSystem {
    if (!this.#fs) throw new Error('no user is logged in');
    return this.#fs;
  }

  get cwd(): string {
    return this.#cwd;
  }

  /** MLST facts the client asked for (OPTS MLST). */
  get mlstFacts(): readonly string[] | null {
    return this.#mlstFacts;
  }

  get hashAlgorithm(): HashAlgorithm {
    return this.#hashAlgorithm;
  }

  /** The greeting went out: a USER is awaited. */
  greeted(): void {
    this.#state = 'need-user';
  }

  expectPassword(name: string): void {
    this.#pendingUser = name;
    this.#state = 'need-password';
  }

  /** A wrong password: back to USER. Returns how many there have been in this session. */
  failed(): number {
    this.#failedLogins++;
    this.cancel();
    return this.#failedLogins;
  }

  /** Back to USER, the name given forgotten. */
  cancel(): void {
    this.#pendingUser = null;
    this.#state = 'need-user';
  }

  login(account: Account, fs: UserFileSystem): void {
    this.#account = account;
    this.#fs = fs;
    this.#cwd = '/';
    this.#state = 'logged-in';
    this.#pendingUser = null;
  }

  /** REIN: nobody logged in, every choice back to its default. */
  reset(): void {
    this.#account = null;
    this.#fs = null;
    this.#pendingUser = null;
    this.#state = 'need-user';
    this.#cwd = '/';
    this.#renameFrom = null;
    this.#mlstFacts = null;
    this.#hashAlgorithm = 'SHA-256';
  }

  /** The path of a command argument, relative to the working directory. */
  resolve(arg: string): string {
    return this.fs.resolve(this.#cwd, arg);
  }

  changeDirectory(path: string): void {
    this.#cwd = path;
  }

  /** RNFR's path, for the RNTO that must come next; any other command drops it (null). */
  setRenameFrom(path: string | null): void {
    this.#renameFrom = path;
  }

  takeRenameFrom(): string | null {
    const from = this.#renameFrom;
    this.#renameFrom = null;
    return from;
  }

  setMlstFacts(facts: string[]): void {
    this.#mlstFacts = facts;
  }

  setHashAlgorithm(algorithm: HashAlgorithm): void {
    this.#hashAlgorithm = algorithm;
  }
}
