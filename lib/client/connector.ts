import { FtpConnection, type ConnectOptions } from '../../protocol/connection.js';
import type { ServerTraits } from '../../protocol/data-channel.js';
import type { Features } from '../../protocol/features.js';
import type { TlsOptions } from '../../protocol/tls.js';
import { Pool } from '../../pool/pool.js';
import { FtpPyError } from '../../common/errors.js';
import { describe, warn } from '../../common/warnings.js';
import { credentials } from '../credentials.js';
import { callHook, type ConnectionInfo } from '../../common/hooks.js';
import type { Settings } from '../resolved-settings.js';
import { SSL } from '../settings.js';
import { loadTlsMaterial } from '../tls-material.js';

/** Everything a connection to the factory's endpoint is opened with; TLS material read once. */
export async function connectOptions(settings: Settings): Promise<ConnectOptions> {
  const { host, port, security } = settings.endpoint;
  const { user, password } = credentials(settings.auth);
  const traits: ServerTraits & { features?: Features } = {};
  const options: ConnectOptions = {
    host, port, security, user, password, traits,
    timeouts: { connect: settings.timeout.connect, read: settings.timeout.read, write: settings.timeout.write },
    passive: settings.passive,
    trustPasvAddress: settings.trustPasvAddress,
    encoding: settings.encoding,
    ...(settings.proxy ? { proxy: settings.proxy } : {}),
  };
  if (settings.localAddress !== undefined) options.localAddress = settings.localAddress;
  if (security !== 'none') {
    const ssl = settings.ssl ?? new SSL();
    const material = await loadTlsMaterial(ssl);
    const tls: TlsOptions = { rejectUnauthorized: material.rejectUnauthorized };
    if (material.ca) tls.ca = material.ca;
    if (material.cert) tls.cert = material.cert;
    if (material.key) tls.key = material.key;
    if (material.ciphers) tls.ciphers = material.ciphers;
    options.tls = tls;
    options.reuseSession = ssl.reuse;
  }
  return options;
}

export function connectionInfo(connection: FtpConnection): ConnectionInfo {
  const { host, port } = connection.options;
  return {
    host, port,
    secure: connection.secure,
    greeting: connection.greeting,
    toString: () => connection.toString(),
  };
}

/**
 * The client's pool of connections to its one endpoint. A new connection is logged in
 * before the `connect` hook hears of it; one that comes back after an error answers a
 * NOOP before it is lent again.
 */
export function connectionPool(settings: Settings, options: ConnectOptions): Pool<FtpConnection> {
  const { connections, keepalive, host } = settings.limits;
  let told = false;
  return new Pool<FtpConnection>({
    connections, keepalive, host,
    // vsftpd's max_per_ip and pure-ftpd's -C greet the connection too many with 421.
    refusedForCap: (error) => FtpPyError.is(error) && error.reply?.code === 421,
    // The first refusal may come while more connections are still being opened than the
    // server will accept (the limit then settles lower): the notice names no number.
    onCapLearnt: (_key, _limit, error) => {
      if (told) return;
      told = true;
      warn(`${options.host}:${options.port} refused a connection while others were open (${describe(error)}): the client keeps to the connections it accepts, and operations wait for one`, 'FTPPY_WARN_CONNECTION_CAP');
    },
    create: async (_key, signal) => {
      const connection = await FtpConnection.open(options, signal);
      await callHook(settings.hooks, 'connect', connectionInfo(connection));
      return connection;
    },
    check: async (connection) => (await connection.request('NOOP')).code < 400,
    close: (connection) => connection.close(),
    destroy: (connection) => connection.destroy(),
  });
}
