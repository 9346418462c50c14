// The reference servers started by shared/peers/start, as /tmp/ftp-peers/peers.json
// describes them at test time. A peer that is missing or not up fails the test that
// needs it: interop that silently skips proves nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Basic, FtpPy, Guest, SSL, type FtpPyOptions } from '../../lib/index.js';
import { skipOutsideCi } from './ci.js';

export interface Peer {
  name: string;
  host: string;
  port: number;
  tls: 'none' | 'explicit' | 'implicit';
  user: string;
  password: string;
  root: string;
  writable_dir: string;
  pub_dir: string;
  up: boolean;
  status: string;
  anonymous_can_write: boolean;
  ca_file: string | null;
  session_reuse_required?: boolean;
  pid?: number;
}

const file = process.env.FTP_PEERS_JSON ?? '/tmp/ftp-peers/peers.json';

export function loadPeers(): Peer[] {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Peer[];
  } catch (error) {
    assert.fail(`cannot read ${file} (run shared/peers/start): ${(error as Error).message}`);
  }
}

/** The named peer, asserted up. */
export function peer(name: string): Peer {
  const found = loadPeers().find((p) => p.name === name);
  assert.ok(found, `peer ${name} is not in ${file}`);
  assert.equal(found.up, true, `peer ${name} is not up (${found.status}): run shared/peers/start`);
  return found;
}

/**
 * For `skip`: false when the named peer is up; else skipped outside CI and failed under
 * CI=true, with the reason (see ci.ts).
 */
export function skipUnlessUp(name: string): string | false {
  return skipOutsideCi(whyDown(name));
}

/** Why the named peer cannot serve a spec here (it is down or missing), or false. */
function whyDown(name: string): string | false {
  let found: Peer | undefined;
  try {
    found = (JSON.parse(readFileSync(file, 'utf8')) as Peer[]).find((p) => p.name === name);
  } catch {
    return `peer ${name} is down: no ${file} (run shared/peers/start)`;
  }
  if (!found?.up) return `peer ${name} is down (run shared/peers/start)`;
  if (found.pid !== undefined && !processAlive(found.pid)) return `peer ${name} is down: its pid ${found.pid} is gone (run shared/peers/start)`;
  return false;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A factory for the peer: its scheme, its login (anonymous ones as a Guest), its CA. */
export function factoryFor(p: Peer, options: FtpPyOptions = {}): FtpPy {
  const scheme = p.tls === 'none' ? 'ftp' : 'ftps';
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  const auth = p.user === 'anonymous' ? new Guest(p.password) : new Basic(p.user, p.password);
  const ssl = p.tls === 'none' ? undefined : new SSL({ ...(p.ca_file ? { bundle: p.ca_file } : {}), implicit: p.tls === 'implicit' });
  return new FtpPy(`${scheme}://${host}:${p.port}`, { auth, timeout: { connect: 5, read: 10, write: 10 }, retry: { total: 2, backoff: 0.05 }, ...(ssl ? { ssl } : {}), ...options });
}

let counter = 0;

/** A name no other test (nor another run, nor another peer sharing /upload) uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
