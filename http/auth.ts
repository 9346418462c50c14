import { clientAddress } from './client-address.js';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { unmapIPv4 } from '../protocol/address.js';
import { loginDeadline, verifiedCertificate, type Account, type LoginRequest } from '../server/index.js';
import { HttpError } from './errors.js';

// HTTP Basic authentication (RFC 7617) against the FTP server's own users. The decision
// is the server's (`authenticate`, the same call PASS makes), so both sides always agree
// on who may log in and with which rights.

/** What the web API needs from the users side of the FTP server. */
export interface WebUsers {
  authenticate(name: string, password: string | null, from: Omit<LoginRequest, 'name' | 'password'>, signal?: AbortSignal): Promise<Account | null>;
  /** The resolved server options: whether and under which names anonymous logins work, the failed-login delay. */
  readonly options: {
    readonly anonymous: { readonly names?: string[] | undefined } | null;
    readonly ms: { readonly loginDelay: number };
  };
}

export interface Caller {
  account: Account;
  /**
   * True when no credentials were sent and the caller is anonymous by default. A
   * forbidden action then answers 401 with a challenge (logging in could help), not 403.
   */
  implicit: boolean;
}

const REALM = 'Basic realm="FtpPy", charset="UTF-8"';

/** A 401 that asks for credentials. */
export function challenge(message: string): HttpError {
  return new HttpError(401, message, { 'WWW-Authenticate': REALM });
}

/** The name and password of a `Basic` Authorization header, or null when it is not one. */
export function basicCredentials(header: string | undefined): { name: string; password: string } | null {
  const m = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Who is calling. Without an Authorization header: anonymous, when the server allows it.
 * Wrong credentials are answered as long after the request as a first failed PASS is on
 * FTP, whatever was wrong and however long the check took, so neither the answer nor
 * its timing tells which names exist. The decision is the FTP server's, given the
 * client's address, whether it came over HTTPS, and its verified client certificate.
 */
export async function identify(users: WebUsers, req: IncomingMessage): Promise<Caller> {
  const started = performance.now();
  const authorization = req.headers.authorization;
  const socket = req.socket as Partial<TLSSocket>;
  const secure = socket.encrypted === true;
  const from = {
    address: clientAddress(req),
    secure,
    certificate: secure ? verifiedCertificate(req.socket as TLSSocket) : null,
  };
  if (authorization === undefined) {
    const anonymousName = users.options.anonymous?.names?.[0];
    const account = anonymousName === undefined ? null : await users.authenticate(anonymousName, '', from);
    if (!account) throw challenge('Authentication required');
    return { account, implicit: true };
  }
  const credentials = basicCredentials(authorization);
  const account = credentials ? await users.authenticate(credentials.name, credentials.password, from) : null;
  if (!account) {
    await loginDeadline(started, users.options.ms.loginDelay);
    throw challenge('Login incorrect');
  }
  return { account, implicit: false };
}

/** Throws when the caller lacks a right: 401 for an implicit anonymous caller, else 403. */
export function requireRight(caller: Caller, allowed: boolean, right: string, path: string): void {
  if (allowed) return;
  if (caller.implicit) throw challenge(`Log in to ${right} ${path}`);
  throw new HttpError(403, `Permission denied (no ${right} right): ${path}`);
}
