import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddress } from './client-address.js';
import { sendJson } from './respond.js';

// The FTP server's ban list on the web side: a request from an address banned for too
// many failed logins (FTP and web failures count alike) is answered 429 Too Many
// Requests (RFC 6585 §4) with Retry-After, before any route or login: 429, not 403,
// because it says what the client can do about it (wait), where 403 says it never may.

/** What the web API asks the FTP server about a client address. */
export interface BanCheck {
  /** Seconds left of the address's ban; 0 when it is not banned. (An `FtpServer` has it; a backend without one bans nobody.) */
  bannedFor?(address: string): number;
}

// What a load balancer and Prometheus read: no login, nothing about files, so nothing a
// ban protects; refusing them would report a healthy server as down to a monitor that
// shares its address with whoever failed the logins (a proxy, a NAT).
const MONITOR_PATHS = new Set(['/healthz', '/metrics']);

function readsMonitor(req: IncomingMessage): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return (req.method === 'GET' || req.method === 'HEAD') && MONITOR_PATHS.has(q === -1 ? url : url.slice(0, q));
}

/** Answers 429 and returns true when the request's address is banned (the monitoring paths excepted). */
export function refuseBanned(bans: BanCheck, req: IncomingMessage, res: ServerResponse): boolean {
  if (readsMonitor(req)) return false;
  const seconds = bans.bannedFor?.(clientAddress(req)) ?? 0;
  if (seconds <= 0) return false;
  req.resume(); // the body is dropped, so that the answer can be read
  res.shouldKeepAlive = false;
  sendJson(res, 429, { error: `Too many failed logins from your address: try again in ${seconds} s`, status: 429 }, { 'Retry-After': String(seconds) });
  return true;
}
