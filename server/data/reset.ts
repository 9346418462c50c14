import type { Socket } from 'node:net';
import { getSystemErrorName } from 'node:util';

// A connection the peer reset can look like one it closed: when the reset arrives after
// a short read, libuv reports the end of the stream, not ECONNRESET, and a TLS socket
// then ends as if the peer had closed it (Node gives no sign of whether a close_notify
// came). A TLS 1.3 client that closes its upload's data connection without having read
// the session tickets the server sent after the handshake (Go, rclone) resets it, and
// its kernel throws away whatever it had not sent yet: the server sees a clean end
// after the first 100 KiB or so. The kernel still knows: a reset connection has no peer.

const resetAtEnd = new WeakSet<Socket>();

/** Notes, as the stream ends, whether the connection was reset rather than closed. */
export function watchForReset(socket: Socket): void {
  const check = (): void => {
    if (hasNoPeer(socket)) resetAtEnd.add(socket);
  };
  if (socket.readableEnded) check();
  else socket.once('end', check);
}

/** The data connection ended in a reset (see `watchForReset`): what came may be cut short. */
export function endedByReset(socket: Socket): boolean {
  return resetAtEnd.has(socket);
}

function hasNoPeer(socket: Socket): boolean {
  // Node caches the peer's address, so the handle is asked directly.
  const handle = (socket as unknown as { _handle?: { getpeername?: (out: object) => number } | null })._handle;
  const code = handle?.getpeername?.({}) ?? 0;
  return code < 0 && getSystemErrorName(code) === 'ENOTCONN';
}
