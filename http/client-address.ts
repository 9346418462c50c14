import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { unmapIPv4 } from '../protocol/address.js';

// The client a web request comes from, for everything that judges an address (the ban
// list, an account's allow list, the authenticator): behind a PROXY-protocol proxy it is
// the address the header named, not the proxy's. The web server says it once per
// request; what reads it later has only the request.

const named = new WeakMap<IncomingMessage, string>();

/** Records the client `req` stands for (web-server.ts, as the request arrives). */
export function setClientAddress(req: IncomingMessage, address: string): void {
  named.set(req, address);
}

/** The client's address: the one recorded, or the peer's. */
export function clientAddress(req: IncomingMessage): string {
  return named.get(req) ?? unmapIPv4(req.socket.remoteAddress ?? '');
}

/**
 * The TCP connection under a request's socket: itself on plain HTTP; on HTTPS the socket
 * the TLS layer wraps (Node keeps it as `_parent`, not in its public API), which is the
 * one a PROXY header arrived on.
 */
export function transportOf(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket })._parent ?? socket;
}
