import type { FtpConnection } from '../../protocol/connection.js';
import { formatTimeVal, parseTimeVal } from '../../protocol/listing/dates.js';

// Modification times on the server, read and set, on one leased connection. Times on the
// wire are RFC 3659 time-vals, always UTC.

/** MDTM (RFC 3659 §3): the file's time to the second (or finer), or null when the server will not say. */
export async function remoteModified(connection: FtpConnection, path: string): Promise<Date | null> {
  if (!connection.features.mdtm) return null;
  const reply = await connection.request('MDTM', path);
  if (reply.code !== 213) return null;
  const time = parseTimeVal(reply.message.trim());
  return Number.isNaN(time) ? null : new Date(time);
}

// Whether `MDTM <time> <path>` sets a time on this server, learnt from the first try and
// kept per server (the connections to one server share their traits object).
const mdtmSets = new WeakMap<object, boolean>();

/**
 * Sets a file's modification time: MFMT (draft-somers-ftp-mfxx) when FEAT lists it, else
 * the two-argument MDTM that vsftpd and a few others take. Whole seconds only, as
 * pyftpdlib refuses fractions and most file systems behind FTP keep no more. Resolves
 * false when the server cannot set it; a lost connection still throws.
 */
export async function setRemoteModified(connection: FtpConnection, path: string, time: Date): Promise<boolean> {
  const stamp = formatTimeVal(new Date(Math.floor(time.getTime() / 1000) * 1000));
  if (connection.features.mfmt) return (await connection.request('MFMT', `${stamp} ${path}`)).code < 300;
  if (!connection.features.mdtm || mdtmSets.get(connection.traits) === false) return false;
  // A server without the two-argument form reads "<time> <path>" as a file name and says 550.
  const set = (await connection.request('MDTM', `${stamp} ${path}`)).code < 300;
  mdtmSets.set(connection.traits, set);
  return set;
}
