import { connect, type Socket } from 'node:net';
import { unmapIPv4, type HostPort } from '../../protocol/address.js';
import { DataConnectionError } from './errors.js';

/**
 * Why an active-mode target (PORT/EPRT) is refused, or null when it is acceptable.
 * RFC 2577: a server that connects wherever it is told can be used to attack a third
 * host ("bounce"), so the target must be the control connection's own peer, and not a
 * privileged port, where services that trust the source address listen.
 */
export function bounceCheck(target: HostPort, controlPeer: string): string | null {
  if (unmapIPv4(target.host).toLowerCase() !== unmapIPv4(controlPeer).toLowerCase()) {
    return `Active mode only to your own address (${unmapIPv4(controlPeer)})`;
  }
  if (target.port < 1024) return 'Active mode to a privileged port (below 1024) is refused';
  return null;
}

/** Connects to the client for an active-mode transfer, from the control connection's local address. */
export function connectActive(target: HostPort, localAddress: string, timeoutMs: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, localAddress });
    const fail = (why: string, cause?: unknown): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      socket.destroy();
      reject(signal.aborted ? signal.reason : new DataConnectionError(425, why, { cause }));
    };
    const aborted = (): void => fail('aborted');
    const timer = setTimeout(() => fail(`Cannot connect to ${target.host}:${target.port} within ${timeoutMs / 1000} s`), timeoutMs);
    socket.once('error', (error) => fail(`Cannot connect to ${target.host}:${target.port}: ${error.message}`, error));
    socket.once('connect', () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      socket.removeAllListeners('error');
      socket.on('error', () => {}); // errors from here on surface in the transfer
      socket.pause();
      resolve(socket);
    });
    signal.addEventListener('abort', aborted);
  });
}
