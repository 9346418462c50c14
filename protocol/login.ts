import { ConnectionError, FtpPyError, ReplyError } from '../common/errors.js';
import { parseFeatures, type Features } from './features.js';
import type { Reply } from './reply.js';

/**
 * What logging in needs of a control connection: to send commands and read their replies.
 * Declared here, not taken from connection.ts, which calls this (no import cycle).
 */
export interface LoginChannel {
  /** Sends a command and resolves to its reply, whatever the code. */
  request(verb: string, arg?: string): Promise<Reply>;
  /** Sends a command and rejects unless the reply is positive. */
  command(verb: string, arg?: string): Promise<Reply>;
}

export interface LoginOptions {
  user: string;
  password: string;
  /** Anything but 'none' turns on the data channel's protection. */
  security: string;
  /** 'latin1': the caller chose the server's charset, so no `OPTS UTF8 ON`. */
  encoding?: string;
}

/**
 * After the greeting (and AUTH TLS): USER/PASS, the FTPS data protection (RFC 4217 §9:
 * PBSZ 0 then PROT P, so data connections are encrypted too), FEAT, UTF-8 paths, binary
 * mode. FEAT is read by the first connection only: `known` is what it learnt, and the
 * features in use are returned for the connection to keep.
 */
export async function logIn(connection: LoginChannel, options: LoginOptions, known?: Features): Promise<Features> {
  const user = await connection.request('USER', options.user);
  if (user.code === 331 || user.code === 332) {
    const pass = await connection.request('PASS', options.password);
    if (pass.code === 332) throw new ConnectionError(`login as ${options.user}: the server wants an account (ACCT)`, { reply: pass });
    if (pass.code >= 300) throw new ConnectionError(`login as ${options.user} failed: ${pass.code} ${pass.message}`, { reply: pass });
  } else if (user.code >= 300) {
    throw new ConnectionError(`login as ${options.user} failed: ${user.code} ${user.message}`, { reply: user });
  }
  if (options.security !== 'none') {
    await connection.command('PBSZ', '0');
    const prot = await connection.request('PROT', 'P');
    if (prot.code >= 300) throw new FtpPyError('FTPPY_ERR_TLS', `the server refused encrypted data connections: ${prot.code} ${prot.message}`, { reply: prot });
  }
  const features = known ?? parseFeatures(await connection.request('FEAT'));
  if (features.utf8 && options.encoding !== 'latin1') await connection.request('OPTS', 'UTF8 ON'); // a refusal changes nothing we rely on
  const facts = mlstFactsToAsk(features);
  if (facts) await connection.request('OPTS', `MLST ${facts}`);
  const type = await connection.request('TYPE', 'I');
  if (type.code >= 300) throw new ReplyError('TYPE I', type);
  return features;
}

// The facts a listing entry is made of; servers such as pyftpdlib offer unix.mode but do
// not send it until asked (RFC 3659 §7.9), and without it an entry has no permissions.
const WANTED = ['type', 'size', 'modify', 'unix.mode', 'unix.ownername', 'unix.owner', 'unix.uid', 'unix.groupname', 'unix.group', 'unix.gid'];

/** The `OPTS MLST` argument that turns on the wanted facts, or null when they are all on already. */
export function mlstFactsToAsk(features: Features): string | null {
  if (!features.mlst) return null;
  const { offered, enabled } = features.mlstFacts;
  const wanted = WANTED.filter((fact) => offered.includes(fact));
  if (wanted.every((fact) => enabled.includes(fact))) return null;
  return wanted.map((fact) => `${fact};`).join('');
}
