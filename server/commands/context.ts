import type { Socket } from 'node:net';
import type { DataSetup } from '../data/channel.js';
import type { PassivePortTally } from '../data/passive.js';
import type { UserFileSystem } from '../fs/user-fs.js';
import type { HashAlgorithm } from '../../common/hash.js';
import type { LoginState } from '../session-state.js';
import type { TransferSession } from '../transfer.js';
import type { Account } from '../users.js';
import type { ClientCertificate } from '../client-certificate.js';

/** What STAT and ABOR see of the running transfer. */
export interface TransferStatus {
  readonly verb: string;
  readonly path: string;
  readonly bytes: number;
  /** Stops the transfer; resolves once it has answered (426) and cleaned up. */
  abort(): Promise<void>;
}

/**
 * What a command handler may read and do to its session: everything else of the session
 * (its sockets, queue, timers) is out of reach. Each state change is a method of the
 * session, so the session alone changes its state. (The session implements it.)
 */
export interface CommandContext extends TransferSession {
  readonly localAddress: string;
  /**
   * The address the client connected to: the control connection's local address, or
   * behind a proxy, the proxy's address the PROXY header names. PASV names it, EPSV/EPRT
   * go by its family.
   */
  readonly publicAddress: string;
  /** Behind PROXY-protocol proxies: who a passive data connection stands for; null without. */
  readonly dataOrigin: ((socket: Socket) => Promise<string>) | null;

  // ── Logging in (USER, PASS, REIN) ──
  readonly state: LoginState;
  /** The name given by USER, waiting for PASS. */
  readonly pendingUser: string | null;
  readonly account: Readonly<Account> | null;
  /** USER: a name, waiting for its password. */
  expectPassword(name: string): void;
  /** The account for these credentials (a null password: the client certificate alone), or null. */
  authenticate(name: string, password: string | null): Promise<Account | null>;
  /** The client's certificate, when it sent one the server's CA bundle vouches for. */
  readonly certificate: ClientCertificate | null;
  openFileSystem(account: Account): Promise<UserFileSystem>;
  /** A wrong password: counted, told to the server's listeners, back to USER. Returns the failures so far. */
  loginFailed(): number;
  /** A login that could not be completed (the server's fault): back to USER. */
  cancelLogin(): void;
  /** Logs a user in: from here on the session has a filesystem. */
  login(account: Account, fs: UserFileSystem): void;
  /** REIN: back to just connected, the TLS layer excepted. */
  reset(): void;
  /** A failure no client should be able to cause, for the server's owner. */
  reportError(error: unknown): void;

  // ── The user's files ──
  /** The logged-in user's filesystem (throws when nobody is logged in). */
  readonly fs: UserFileSystem;
  readonly cwd: string;
  /** The path of a command argument, relative to the working directory. */
  resolve(arg: string): string;
  changeDirectory(path: string): void;
  /** RNFR: the path RNTO renames. */
  setRenameFrom(path: string): void;
  /** RNTO: RNFR's path (null without one), which one RNTO uses up. */
  takeRenameFrom(): string | null;

  // ── Transfer parameters and choices ──
  readonly type: 'A' | 'I';
  setType(type: 'A' | 'I'): void;
  /** REST: the offset of the next transfer. */
  setRestart(offset: number): void;
  /** The REST offset for this transfer (0 without one), which one transfer uses up. */
  takeRestart(): number;
  /** MLST facts the client asked for (OPTS MLST), or null for the default ones. */
  readonly mlstFacts: readonly string[] | null;
  setMlstFacts(facts: string[]): void;
  readonly hashAlgorithm: HashAlgorithm;
  setHashAlgorithm(algorithm: HashAlgorithm): void;

  // ── Data connections ──
  /** After EPSV ALL, only EPSV may set up data connections (RFC 2428 §4). */
  readonly epsvAll: boolean;
  enableEpsvAll(): void;
  /** Replaces how the next data connection is made (a new PASV closes the old port). */
  setData(setup: DataSetup | null): void;
  /** A passive data connection just arrived: its TLS handshake starts now when data is protected. */
  prepareData(socket: Socket): Promise<Socket>;
  /** Where passive ports report opening and closing (the server's counters). */
  readonly passivePorts: PassivePortTally;

  // ── TLS ──
  /** The server has TLS configured. */
  readonly tlsAvailable: boolean;
  /** The control connection is protected by TLS. */
  readonly secure: boolean;
  readonly pbsz: boolean;
  setPbsz(): void;
  setProtection(level: 'C' | 'P'): void;
  /** AUTH TLS: answers 234 and hands the control connection to TLS. */
  upgradeToTls(): Promise<void>;

  // ── The running transfer, and closing ──
  readonly transfer: TransferStatus | null;
  /** QUIT during a transfer: answer and close once it has ended. */
  closeAfterTransfer(code: number, text: string): void;
  close(): Promise<void>;
}
