import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { DataSetup } from './data/channel.js';
import { DataConnectionError, DataStallError } from './data/errors.js';
import { endedByReset } from './data/reset.js';
import type { TransferEvent } from './events.js';
import { FileSystemError } from './fs/errors.js';
import type { ResolvedOptions } from './options.js';

/** The transfer a session is running: what ABOR aborts and STAT reports on. */
export class ActiveTransfer {
  readonly verb: string;
  readonly path: string;
  readonly started = Date.now();
  bytes = 0;
  /** Set by ABOR, so that the failure is answered as an abort. */
  aborted = false;
  readonly #controller = new AbortController();
  readonly #done: Promise<void>;
  #finish!: () => void;

  constructor(verb: string, path: string) {
    this.verb = verb;
    this.path = path;
    this.#done = new Promise((resolve) => (this.#finish = resolve));
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Resolves once the transfer has answered and cleaned up (a failed upload's file discarded). */
  get done(): Promise<void> {
    return this.#done;
  }

  /** Stops the transfer; resolves once it has answered (426) and cleaned up. */
  abort(): Promise<void> {
    this.aborted = true;
    this.#controller.abort(new Error('Transfer aborted'));
    return this.#done;
  }

  /** Cancels without the ABOR semantics (the session is closing). */
  cancel(reason: Error): void {
    this.#controller.abort(reason);
  }

  finished(): void {
    this.#finish();
  }
}

/** What a transfer needs of its session (the session implements it; commands pass it on). */
export interface TransferSession {
  readonly id: number;
  readonly remoteAddress: string;
  readonly account: { readonly name: string; readonly anonymous: boolean } | null;
  readonly options: ResolvedOptions;
  /** TYPE: A (ascii) or I (binary). */
  readonly type: 'A' | 'I';
  /** A data connection has been set up (PASV/EPSV/PORT/EPRT) and not yet used. */
  readonly hasData: boolean;
  readonly protection: 'C' | 'P';
  /** Aborted when the session ends. */
  readonly lifetime: AbortSignal;
  /** The session has ended: `lifetime.aborted`, without making the signal (a session that only logs in needs none). */
  readonly ended: boolean;
  /** Aborted once the client has ended or broken the control connection. */
  readonly clientGone: AbortSignal;
  reply(code: number, text: string | readonly string[]): void;
  /** Takes the data setup for one transfer: each PASV/PORT serves one connection. */
  takeData(): DataSetup | null;
  /** `upload`: a plain connection reads into buffers of ours. */
  openData(setup: DataSetup, signal: AbortSignal, upload?: boolean): Promise<Socket | TLSSocket>;
  /** A data connection done with: it may finish closing on its own, within `ms`. */
  linger(socket: Socket, ms: number): void;
  beginTransfer(transfer: ActiveTransfer): void;
  endTransfer(): void;
  /** Counts a finished transfer (done or failed) and tells the server's listeners. */
  recordTransfer(event: TransferEvent): void;
}

export interface DataTransfer {
  verb: string;
  /** The virtual path, for replies, STAT and events. */
  path: string;
  direction: 'download' | 'upload' | 'list';
  /** The text of the 150 reply. */
  opening: string;
  /** Moves the bytes over the data connection; resolves once all went through. */
  run(socket: Socket, signal: AbortSignal, count: (bytes: number) => void): Promise<void>;
  /** After the bytes went through, before 226: makes an upload visible. */
  commit?(): Promise<void>;
  /** After a failure: closes the file, throws a partial upload away. */
  discard(): Promise<void> | void;
  /** The text of the 226 reply. */
  done?: string;
}

/**
 * Checks, before any file is opened, that a transfer could have a data connection: one
 * was set up (PASV/EPSV/PORT/EPRT), and it will be protected when the server says so.
 * Replies and returns false when not.
 */
export function dataReady(session: TransferSession): boolean {
  if (!session.hasData) {
    session.reply(425, 'Use PASV, EPSV, PORT or EPRT first');
    return false;
  }
  const tls = session.options.tls;
  if (tls?.requireData && session.protection !== 'P') {
    session.reply(521, 'Data connections must be protected: send PBSZ 0 and PROT P first');
    return false;
  }
  return true;
}

function failureReply(error: unknown, transfer: ActiveTransfer, stallMs: number): [number, string] {
  if (transfer.aborted) return [426, 'Transfer aborted'];
  if (error instanceof DataConnectionError) return [error.reply, error.message];
  if (error instanceof FileSystemError) {
    if (error.code === 'EDQUOT') return [552, `Requested file action aborted. ${error.message}`]; // RFC 959's text for 552
    return error.code === 'ENOSPC' ? [452, 'Insufficient storage space'] : [451, `Local error: ${error.message}`];
  }
  if (error instanceof DataStallError) return [426, `No data moved for ${stallMs / 1000} s: transfer aborted`];
  return [426, 'Data connection closed: transfer aborted'];
}

/**
 * Throws when the client has left, or leaves within `ms`, as its upload's data connection
 * ends. A live client waits for the 226 with its control connection open; a client
 * killed mid-upload (kill -9, a crash) has its kernel close both connections at once,
 * and the data connection's end then looks like the end of the file. The two ends reach
 * the server in either order, a few milliseconds apart under load (spec/server/
 * killed-upload.spec.ts; README "How it behaves"), hence the short wait. Over TLS a
 * close_notify would tell the two apart, but Node does not say whether one came.
 */
function clientStayed(session: TransferSession, ms: number): Promise<void> {
  const gone = session.clientGone;
  const cut = (): DataConnectionError => new DataConnectionError(426, 'The control connection closed as the upload ended: the upload was cut short, not stored');
  if (gone.aborted) return Promise.reject(cut());
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // The timer phase of an event-loop turn runs before its I/O phase: a process that was
    // descheduled through the wait would see the timer due before the control
    // connection's end that arrived meanwhile. One setImmediate after the timer lets that
    // turn's I/O be read first.
    const timer = setTimeout(() => {
      setImmediate(() => {
        gone.removeEventListener('abort', onGone);
        if (gone.aborted) reject(cut());
        else resolve();
      });
    }, ms);
    const onGone = (): void => {
      clearTimeout(timer);
      reject(cut());
    };
    gone.addEventListener('abort', onGone, { once: true });
  });
}

/**
 * Runs one transfer: 150, the data connection (passive or active, TLS when PROT P),
 * the bytes, then 226, or on any failure 425/426/451/452/522 after cleaning up. While
 * it runs the session keeps reading the control connection, so ABOR and STAT are
 * answered at once; ABOR makes this answer 426 and the ABOR handler then 226.
 */
export async function runDataTransfer(session: TransferSession, spec: DataTransfer): Promise<void> {
  const setup = session.takeData();
  if (!setup) {
    await spec.discard();
    session.reply(425, 'Use PASV, EPSV, PORT or EPRT first');
    return;
  }
  const { ms } = session.options;
  const transfer = new ActiveTransfer(spec.verb, spec.path);
  const onSessionEnd = (): void => transfer.cancel(new Error('Session closed'));
  session.lifetime.addEventListener('abort', onSessionEnd);
  session.beginTransfer(transfer);
  let socket: Socket | null = null;
  let failure: unknown = null;
  try {
    // Passive: no 150 before the connection is there and from the right address, so a
    // refused one is answered 425 alone. (Its TLS handshake may end after the 150: some
    // clients start it only then.)
    if (setup.mode === 'passive') await setup.port.arrived(ms.data, transfer.signal);
    session.reply(150, spec.opening);
    socket = await session.openData(setup, transfer.signal, spec.direction === 'upload');
    const data = socket;
    data.setTimeout(ms.stall, () => data.destroy(new DataStallError('data connection stalled')));
    await spec.run(data, transfer.signal, (n) => (transfer.bytes += n));
    if (spec.direction === 'upload' && endedByReset(data)) throw new DataConnectionError(426, 'The data connection was reset: the upload is incomplete');
    if (spec.direction === 'upload') await clientStayed(session, ms.uploadSettle);
    await spec.commit?.();
  } catch (error) {
    failure = error;
  } finally {
    session.lifetime.removeEventListener('abort', onSessionEnd);
    if (setup.mode === 'passive') setup.port.close();
  }
  if (failure === null) {
    session.reply(226, spec.done ?? 'Transfer complete');
    socket!.setTimeout(0);
    session.linger(socket!, ms.data);
  } else {
    socket?.destroy();
    await Promise.resolve(spec.discard()).catch(() => {});
    const [code, text] = failureReply(failure, transfer, ms.stall);
    session.reply(code, text);
  }
  const event: TransferEvent = {
    session: session.id,
    address: session.remoteAddress,
    user: session.account?.name ?? '',
    anonymous: session.account?.anonymous ?? false,
    direction: spec.direction,
    type: session.type === 'I' ? 'binary' : 'ascii',
    secure: session.protection === 'P' && session.options.tls !== null,
    path: spec.path,
    bytes: transfer.bytes,
    ok: failure === null,
    seconds: (Date.now() - transfer.started) / 1000,
  };
  session.recordTransfer(failure === null ? event : { ...event, reason: failureReply(failure, transfer, ms.stall)[1] });
  transfer.finished();
  session.endTransfer();
}
