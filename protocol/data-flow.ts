import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Writable } from 'node:stream';
import { SinkWriter } from '../common/backpressure.js';
import { ConnectionError, FtpPyError } from '../common/errors.js';
import { doneAtCallback, lenderOf, LentReads } from '../common/lent-chunks.js';
import { PacedSource, type Throttle } from '../common/throttle.js';
import { directReadsOf } from './direct-reads.js';
import type { PhaseTimer } from './phase-timer.js';

/** Limits of the connection's one timer while data flows, in seconds. */
export interface FlowTimeouts {
  read: number;
  write: number;
}

function isTls(socket: Socket): boolean {
  return (socket as Partial<TLSSocket>).encrypted === true;
}

function dataError(error: Error, what: string): Error {
  return new ConnectionError(`data connection ${what}: ${error.message}`, { cause: error });
}

/**
 * Copies a data connection into `sink` until the server ends it, or until `length` bytes
 * have come (a range of the file: the connection is then closed, and it resolves true).
 * Resolves once every byte has been handed to `sink` (ending the sink is the caller's: a
 * copy keeps it open).
 *
 * The read timeout watches the socket while bytes flow. When `sink` pushes back, the
 * socket is paused and the timer put on hold: a slow disk or a slow consumer is ours,
 * not the server's, and must not end the transfer.
 *
 * A plain connection that reads into our own buffers (direct-reads.ts) lends them to a
 * sink that is done with a chunk at its write's callback (our file writer): at most
 * LENT_MAX reads are out at once, and that count is the backpressure; any other sink
 * gets copies and pushes back as usual.
 */
export function receive(socket: Socket, sink: Writable, timer: PhaseTimer, limits: FlowTimeouts, onBytes: (n: number) => void, throttle: Throttle | null = null, length = Infinity): Promise<boolean> {
  // An empty file's connection can end before we listen: net reads the EOF and emits
  // 'end' at once when nothing is buffered. Ended with nothing read means nothing sent
  // (direct reads keep what came before: delivered below).
  const direct = directReadsOf(socket);
  if (socket.readableEnded && !direct?.early) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    let ended = false;
    // A wait for the rate limit is ours, like a full sink: the timer is on hold meanwhile.
    const pace = new PacedSource(socket, throttle, (held) => (held ? timer.enter('held') : timer.enter('read', limits.read)));
    // A range (`length`) needs each chunk looked at and cut: it is never lent.
    const lend = direct !== undefined && length === Infinity && doneAtCallback(sink);
    const lent = new LentReads(pace, () => ended);
    let left = length;
    const cleanup = (): void => {
      pace.stop();
      direct?.detach();
      socket.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      sink.off('drain', onDrain).off('error', onSinkError).off('close', onSinkClose);
    };
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      timer.touch();
      if (chunk.length >= left) {
        // The range is complete: what lies beyond is not ours, and the connection goes.
        const last = chunk.subarray(0, left);
        left = 0;
        ended = true;
        cleanup();
        socket.destroy();
        onBytes(last.length);
        // No wait for a drain: the caller ends the sink next, which flushes it (or fails).
        if (last.length > 0) sink.write(last);
        return resolve(true);
      }
      left -= chunk.length;
      onBytes(chunk.length);
      if (!sink.write(chunk)) pace.sinkFull();
      pace.passed(chunk.length);
    };
    const onLent = (chunk: Buffer, release: () => void): void => {
      timer.touch();
      onBytes(chunk.length);
      sink.write(chunk, lent.lend(release));
      pace.passed(chunk.length);
    };
    const onDrain = (): void => {
      if (!ended && !lend) pace.drained();
    };
    const onEnd = (): void => {
      ended = true;
      cleanup();
      resolve(false);
    };
    const onError = (error: Error): void => fail(dataError(error, 'failed'));
    const onClose = (): void => fail(new ConnectionError('data connection closed before its end'));
    const onSinkError = (error: Error): void => fail(error);
    const onSinkClose = (): void => fail(new FtpPyError('FTPPY_ERR_LOCAL', 'the destination closed before the transfer ended'));
    socket.on('end', onEnd).on('error', onError).on('close', onClose);
    sink.on('drain', onDrain).on('error', onSinkError).on('close', onSinkClose);
    timer.enter('read', limits.read);
    if (direct) direct.attach({ lend, chunk: lend ? onLent : onData });
    else socket.on('data', onData);
    if (socket.readableEnded) return onEnd(); // it ended before we listened: what came is delivered
    socket.resume();
  });
}

/**
 * Sends `source` over a data connection and closes it cleanly: `end()` and then waiting
 * for `close`, so that a TLS connection sends close_notify before its FIN. vsftpd on
 * TLS 1.3 takes a connection closed without one as a failed upload (426) and keeps a
 * truncated file; pyftpdlib 1.5.7 (OpenSSL 3) fails to shut it down and spins on it in
 * CLOSE-WAIT for ever. curl and lftp close at once after their close_notify; waiting for
 * the server's close instead means our socket never closes with a late record of the
 * server's unread, which would answer it with a reset.
 *
 * The write timeout runs while the socket holds back (the server reads too slowly) and
 * while the connection closes; waiting for our own source is on hold.
 */
export async function send(source: AsyncIterable<Buffer | string>, socket: Socket, timer: PhaseTimer, limits: FlowTimeouts, onBytes: (n: number) => void): Promise<void> {
  const upload = new SinkWriter(socket, () => new ConnectionError('data connection closed by the server during the upload'));
  const onError = (error: Error): void => upload.fail(dataError(error, 'failed'));
  const onClose = (): void => upload.fail(new ConnectionError('data connection closed by the server during the upload'));
  socket.on('error', onError).on('close', onClose);
  socket.resume(); // the server sends nothing, but its FIN must be read for 'close' to come
  // A large file lends its read buffers: the socket is done with each at its write's callback.
  const lender = lenderOf(source);
  lender?.lend();
  const iterator = source[Symbol.asyncIterator]();
  try {
    await upload.copy(iterator, {
      waitingForSource: () => timer.enter('held'),
      waitingForSink: () => timer.enter('write', limits.write),
      chunk: onBytes,
      ...(lender ? { written: (chunk: Buffer) => lender.release(chunk) } : {}),
    });
    timer.enter('write', limits.write);
    // Node's TLS socket drops the close_notify of an end() that comes while its own last
    // handshake record is still being written (an empty upload whose 150 came before the
    // handshake ended) and sends a bare FIN. A write, even empty, completes only after it.
    if (isTls(socket)) {
      await upload.flushed();
      upload.throwIfFailed();
    }
    socket.off('close', onClose);
    const closed = upload.until('close');
    socket.end();
    await closed;
    upload.throwIfFailed();
  } catch (error) {
    socket.destroy();
    // Not awaited: a generator busy awaiting its own source would hold us until its next chunk.
    void Promise.resolve(iterator.return?.()).catch(() => {});
    throw error;
  } finally {
    socket.off('error', onError).off('close', onClose);
  }
}
