import type { Socket } from 'node:net';
import { ConnectionError, TimeoutError, type FtpPyError } from '../common/errors.js';
import { ProxyHeaderReader, type ProxyHeader } from './proxy-header.js';

export interface ReadProxyHeaderOptions {
  /** A header that has not fully arrived after this long is an error (a peer that never finishes it). */
  timeoutMs: number;
  /** Bound on a v2 header (proxy-header.ts's default otherwise). */
  maxBytes?: number;
}

/**
 * Reads the PROXY header off the start of a freshly accepted socket, and leaves the socket
 * paused with the bytes that followed the header put back (unshifted), for whoever reads
 * the relayed stream next: the FTP command parser, a TLS handshake, the HTTP parser.
 * Rejects with a ProtocolError (a bad header), a TimeoutError, or a ConnectionError (the
 * peer closed first); the socket is left to the caller to destroy.
 */
export function readProxyHeader(socket: Socket, options: ReadProxyHeaderOptions): Promise<ProxyHeader> {
  const reader = new ProxyHeaderReader(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes });
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      socket.pause();
    };
    const failed = (error: FtpPyError | Error): void => {
      done();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      const result = reader.push(chunk);
      if (result.state === 'more') return;
      if (result.state === 'error') return failed(result.error);
      done();
      if (result.rest.length > 0) socket.unshift(result.rest);
      resolve(result.header);
    };
    const onEnd = (): void => failed(new ConnectionError('the connection closed before its PROXY header was complete'));
    const onError = (error: Error): void => failed(new ConnectionError(`the connection failed before its PROXY header was complete: ${error.message}`, { cause: error }));
    const timer = setTimeout(() => failed(new TimeoutError(`no complete PROXY header within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
    socket.on('data', onData).once('end', onEnd).once('close', onEnd).once('error', onError);
    socket.resume();
  });
}
