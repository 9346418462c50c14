import { connect as netConnect, createServer, isIPv4, type Server, type Socket } from 'node:net';
import {
  formatEprtArgument, formatPortArgument, isUnroutable, parseEpsvReply, parsePasvReply, unmapIPv4, type HostPort,
} from './address.js';
import { ConnectionError, ReplyError } from '../common/errors.js';
import { DirectReads } from './direct-reads.js';
import type { Phase } from './phase-timer.js';
import type { Reply } from './reply.js';

/**
 * What the server turned out to support, learnt once and shared by every connection to
 * it, so that a server which lists EPSV but refuses it costs one failed EPSV, not one
 * per transfer.
 */
export interface ServerTraits {
  epsv?: boolean;
  eprt?: boolean;
  /** Its opening replies to RETR name the file's size (protocol/opening.ts). */
  sizeInOpening?: boolean;
}

/** What opening a data connection needs from the control connection. */
export interface DataLink {
  /** Sends a command and waits for its reply (whatever the code) under the read timeout. */
  request(verb: string, arg?: string): Promise<Reply>;
  /** Moves the connection's one timer; `connect` is bounded by Timeout.connect. */
  enter(phase: Phase): void;
  /** The control connection's own addresses: the server's, and ours. */
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly traits: ServerTraits;
  /** Connect where a 227 says (FXP-like setups); otherwise to `remoteAddress`, at the 227's port. */
  readonly trustPasvAddress: boolean;
  /** The local address data connections leave from, when one was chosen (`localAddress`); null: the system's choice. */
  readonly bindAddress: string | null;
  /** Data connections stay plain TCP (no TLS): they may read into our own buffers (direct-reads.ts). */
  readonly directReads?: boolean;
  /** Registers what must be destroyed if the connection dies meanwhile. */
  track(resource: Socket | Server | null): void;
  /** Opens a data connection some other way than a direct TCP connect (through a proxy). */
  dial?: (address: HostPort) => Promise<Socket>;
}

/** A data connection on its way: passive ones are already connected, active ones wait for the server. */
export interface PendingData {
  /** The connected socket, once the server has connected (active) or at once (passive). */
  socket(): Promise<Socket>;
  /** Gives up on it: closes the socket or the listener. */
  discard(): void;
}

const refused = (reply: Reply): boolean => reply.code >= 500;

function connectTcp(link: DataLink, address: HostPort): Promise<Socket> {
  link.enter('connect');
  if (link.dial) {
    return link.dial(address).then((socket) => {
      socket.on('error', () => {}); // as below: until the transfer listens
      return socket;
    });
  }
  return new Promise((resolve, reject) => {
    const direct = link.directReads ? new DirectReads() : null;
    const socket = netConnect({
      host: address.host,
      port: address.port,
      ...(link.bindAddress ? { localAddress: link.bindAddress } : {}),
      ...(direct ? { onread: direct.onread() } : {}),
    });
    direct?.bind(socket);
    link.track(socket);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // the transfer attaches its own handler; until then none may crash us
      resolve(socket);
    });
    socket.once('error', (error) => {
      reject(new ConnectionError(`data connection to ${address.host}:${address.port}: ${error.message}`, { cause: error }));
    });
  });
}

/**
 * Where a 227 sends us. By default the control connection's peer, at the 227's port: the
 * address is the server's to choose, and following it would let a hostile server make us
 * connect anywhere (curl ignores it too, since CVE-2020-8284). Trusted, it is followed,
 * unless it is one we cannot reach while the control connection's is routable: a server
 * behind NAT names its inside address (RFC 1918, 0.0.0.0).
 */
export function passiveTarget(reply: HostPort, controlPeer: string, trust = false): HostPort {
  const peer = unmapIPv4(controlPeer);
  if (!trust || reply.host === peer) return { host: peer, port: reply.port };
  if (isUnroutable(reply.host) && !isUnroutable(peer)) return { host: peer, port: reply.port };
  if (reply.host === '0.0.0.0') return { host: peer, port: reply.port };
  return reply;
}

/**
 * Passive mode: EPSV (RFC 2428), else PASV. A refused EPSV, or an EPSV port that cannot
 * be reached, is remembered in `traits` and PASV used from then on.
 */
export async function openPassive(link: DataLink): Promise<PendingData> {
  const peer = unmapIPv4(link.remoteAddress);
  let socket: Socket | undefined;
  if (link.traits.epsv !== false) {
    const reply = await link.request('EPSV');
    if (reply.code === 229) {
      try {
        socket = await connectTcp(link, { host: peer, port: parseEpsvReply(reply.message) });
        link.traits.epsv = true;
      } catch (error) {
        if (link.traits.epsv === true || !isIPv4(peer)) throw error;
        link.traits.epsv = false;
      }
    } else if (refused(reply) && isIPv4(peer)) {
      link.traits.epsv = false;
    } else {
      throw new ReplyError('EPSV', reply);
    }
  }
  if (!socket) {
    const reply = await link.request('PASV');
    if (reply.code !== 227) throw new ReplyError('PASV', reply);
    socket = await connectTcp(link, passiveTarget(parsePasvReply(reply.message), peer, link.trustPasvAddress));
  }
  const connected = socket;
  return { socket: () => Promise.resolve(connected), discard: () => connected.destroy() };
}

/**
 * Active mode: we listen and the server connects to us, after EPRT (RFC 2428) or PORT.
 * Only a connection from the control connection's peer is taken (anyone could connect
 * to the port we announced); others are dropped and the wait goes on.
 */
export async function openActive(link: DataLink): Promise<PendingData> {
  const local = unmapIPv4(link.localAddress);
  const peer = unmapIPv4(link.remoteAddress);
  const server = createServer({ pauseOnConnect: true });
  link.track(server);
  let accepted: Socket | undefined;
  let waiting: { resolve: (s: Socket) => void; reject: (e: Error) => void } | undefined;
  let failure: Error | undefined;
  server.on('connection', (socket) => {
    socket.on('error', () => {});
    if (accepted || unmapIPv4(socket.remoteAddress ?? '') !== peer) return void socket.destroy();
    accepted = socket;
    server.close();
    link.track(socket);
    socket.resume();
    waiting?.resolve(socket);
  });
  server.on('error', (error) => {
    failure = new ConnectionError(`active mode listener: ${error.message}`, { cause: error });
    waiting?.reject(failure);
  });
  // Closed with nobody accepted: the connection failed (a timeout) or gave up on the transfer.
  server.on('close', () => {
    if (accepted) return;
    failure ??= new ConnectionError('active mode: the server never connected');
    waiting?.reject(failure);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve).once('error', reject);
    server.listen(0, local);
  });
  const { port } = server.address() as { port: number };
  await announce(link, { host: local, port });
  return {
    socket: () => {
      if (accepted) return Promise.resolve(accepted);
      if (failure) return Promise.reject(failure);
      link.enter('reply'); // the server connects after our transfer command: a read-timeout wait
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    discard: () => {
      server.close();
      accepted?.destroy();
    },
  };
}

async function announce(link: DataLink, address: HostPort): Promise<void> {
  if (link.traits.eprt !== false) {
    const reply = await link.request('EPRT', formatEprtArgument(address));
    if (reply.code < 300) {
      link.traits.eprt = true;
      return;
    }
    if (!refused(reply) || !isIPv4(address.host)) throw new ReplyError('EPRT', reply);
    link.traits.eprt = false;
  }
  const reply = await link.request('PORT', formatPortArgument(address));
  if (reply.code >= 300) throw new ReplyError('PORT', reply);
}
