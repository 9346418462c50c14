import { setTimeout as sleep } from 'node:timers/promises';
import type { Account } from '../server/index.js';
import { HttpError } from './errors.js';

// HTTP Basic authentication (RFC 7617) against the FTP server's own users. The decision
// is the server's (`authenticate`, the same call PASS makes), so both sides always agree
// on who may log in and with which rights.

/** What the web API needs from the users side of the FTP server. */
export interface WebUsers {
  authenticate(name: string, password: string): Account | null;
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
 * Wrong credentials wait as long as a first failed PASS does on FTP, the same for an
 * unknown name as for a wrong password (`authenticate` itself takes the same time for
 * both), so neither the answer nor its timing tells which names exist.
 */
export async function identify(users: WebUsers, authorization: string | undefined): Promise<Caller> {
  if (authorization === undefined) {
    const anonymousName = users.options.anonymous?.names?.[0];
    const account = anonymousName === undefined ? null : users.authenticate(anonymousName, '');
    if (!account) throw challenge('Authentication required');
    return { account, implicit: true };
  }
  const credentials = basicCredentials(authorization);
  const account = credentials ? users.authenticate(credentials.name, credentials.password) : null;
  if (!account) {
    await sleep(users.options.ms.loginDelay);
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
