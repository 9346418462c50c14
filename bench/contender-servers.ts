// The servers the end-to-end benchmarks run against, each started by the benchmark in a
// process (tree) of its own on 127.0.0.1, all over the same directory and configured
// alike: one account with every right, 1,000 passive ports each (below the ephemeral
// range, so clients' own ports never collide with them), no client limit in the way,
// no per-command logging.
//
// vsftpd and pyftpdlib are the binaries ../shared/peers/start installs, run here with a
// benchmark configuration instead of the shared peers' (those log every command, have 50
// passive ports and cap clients at 200/256: right for interop tests, not for load).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { childScript, nodeFlags } from './build-children.js';
import type { BenchTree } from './bench-tree.js';

export type ServerName = 'ftppy' | 'vsftpd' | 'pyftpdlib' | 'ftp-srv' | 'node-floor';

export interface ContenderServer {
  name: ServerName;
  host: string;
  port: number;
  user: string;
  password: string;
  /** The process whose tree is the server (for its memory). */
  pid: number;
  stop(): Promise<void>;
}

/** A contender that cannot be had here, with the reason (the benchmark skips it and says so). */
export class Unavailable extends Error {}

const HOST = '127.0.0.1';
const PASV: Record<ServerName, [number, number]> = {
  ftppy: [23000, 23999],
  vsftpd: [20000, 20999],
  pyftpdlib: [21000, 21999],
  'ftp-srv': [22000, 22999],
  'node-floor': [0, 0], // it has no data connections
};
const PEERS_START = process.env.FTPPY_PEERS_START ?? join(import.meta.dirname, '..', '..', 'shared', 'peers', 'start');
const VSFTPD = ['/usr/sbin/vsftpd', '/opt/ftp-peers/vsftpd/usr/sbin/vsftpd'];
const PYTHON = '/usr/bin/python3';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once `port` greets with 220. */
async function greeted(port: number, child: ChildProcess, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Unavailable(`exited (${child.exitCode ?? child.signalCode}) before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, HOST);
      socket.setTimeout(2000, () => socket.destroy());
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(chunk.toString('latin1').startsWith('220'));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Unavailable(`no 220 greeting on port ${port} within ${ms / 1000}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM to the process group, SIGKILL after 5 s; resolves when the leader has exited. */
function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const signal = (name: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // the group is gone already
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    signal('SIGKILL'); // vsftpd's session processes, should any outlive the listener
  };
}

function launch(command: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  // vsftpd writes its start-up errors ("500 OOPS") to fd 0: give it the log there too
  const child = spawn(command, args, { detached: true, stdio: [fd, fd, fd] });
  closeSync(fd);
  child.on('error', () => {});
  return child;
}

/** Runs ../shared/peers/start once, for the binaries it installs; its peers are not used. */
let peersInstalled = false;
function installPeers(): void {
  if (peersInstalled || !existsSync(PEERS_START)) return;
  peersInstalled = true;
  spawnSync(PEERS_START, [], { stdio: 'ignore', timeout: 120_000 });
}

function vsftpdConfig(port: number, root: string, work: string): string {
  const empty = join(work, 'vsftpd-empty');
  mkdirSync(empty, { recursive: true, mode: 0o755 });
  return [
    'listen=YES', 'listen_ipv6=NO', `listen_address=${HOST}`, `listen_port=${port}`, 'background=NO',
    'anonymous_enable=YES', 'local_enable=NO', 'ftp_username=ftp', `anon_root=${root}`,
    'write_enable=YES', 'anon_upload_enable=YES', 'anon_mkdir_write_enable=YES', 'anon_other_write_enable=YES',
    'anon_umask=022', 'anon_world_readable_only=NO', 'hide_ids=NO', 'dirmessage_enable=NO',
    'pasv_enable=YES', `pasv_min_port=${PASV.vsftpd[0]}`, `pasv_max_port=${PASV.vsftpd[1]}`,
    'port_enable=YES', 'connect_from_port_20=NO', 'seccomp_sandbox=NO', `secure_chroot_dir=${empty}`,
    'max_clients=4000', 'max_per_ip=4000', 'idle_session_timeout=600', 'data_connection_timeout=120',
    'syslog_enable=NO', 'xferlog_enable=NO', 'log_ftp_protocol=NO', '',
  ].join('\n');
}

interface Launched {
  child: ChildProcess;
  user: string;
  password: string;
}

async function launchServer(name: ServerName, port: number, root: string, work: string): Promise<Launched> {
  const log = join(work, `${name}.log`);
  const account = { user: 'bench', password: 'bench' };
  const json = JSON.stringify({ port, root, ...account, pasv: PASV[name] });
  switch (name) {
    case 'ftppy':
      return { child: launch(process.execPath, [...nodeFlags(), await childScript('ftppy-server.child.ts'), json], log), ...account };
    case 'ftp-srv':
      return { child: launch(process.execPath, [...nodeFlags(), await childScript('ftp-srv-server.child.ts'), json], log), ...account };
    case 'node-floor':
      return { child: launch(process.execPath, [...nodeFlags(), await childScript('node-floor-server.child.ts'), json], log), ...account };
    case 'vsftpd': {
      let binary = VSFTPD.find((path) => existsSync(path));
      if (!binary) installPeers();
      binary = VSFTPD.find((path) => existsSync(path));
      if (!binary) throw new Unavailable(`no vsftpd binary (${VSFTPD.join(', ')}; ${PEERS_START} installs one)`);
      const config = join(work, 'vsftpd.conf');
      writeFileSync(config, vsftpdConfig(port, root, work));
      return { child: launch(binary, [config], log), user: 'anonymous', password: 'bench@' };
    }
    case 'pyftpdlib': {
      const probe = (): boolean => spawnSync(PYTHON, ['-c', 'import pyftpdlib'], { stdio: 'ignore' }).status === 0;
      if (!probe()) installPeers();
      if (!probe()) throw new Unavailable(`${PYTHON} cannot import pyftpdlib (${PEERS_START} installs it)`);
      const script = join(import.meta.dirname, 'pyftpdlib-server.py');
      const [min, max] = PASV.pyftpdlib;
      return { child: launch(PYTHON, [script, HOST, String(port), root, account.user, account.password, String(min), String(max)], log), ...account };
    }
  }
}

/**
 * Starts `name` serving `root` (which must hold world-writable folders wherever the
 * benchmarks write: vsftpd's anonymous sessions run as the user `ftp`). `work` takes its
 * configuration and log. Throws `Unavailable` when it cannot be had.
 */
export async function startServer(name: ServerName, root: string, work: string): Promise<ContenderServer> {
  const port = await freePort();
  const { child, user, password } = await launchServer(name, port, root, work);
  const stop = stopper(child);
  try {
    await greeted(port, child);
  } catch (error) {
    await stop();
    throw error instanceof Unavailable ? new Unavailable(`${name}: ${error.message} (log: ${join(work, `${name}.log`)})`) : error;
  }
  return { name, host: HOST, port, user, password, pid: child.pid!, stop };
}

/**
 * Starts each of `names` that can be had, in the bench tree's folders, stopped when the
 * run ends; one that cannot is left out and said in `skipped`.
 */
export async function startAvailable(names: readonly ServerName[], tree: BenchTree, skipped: string[]): Promise<ContenderServer[]> {
  const servers: ContenderServer[] = [];
  for (const name of names) {
    try {
      const server = await startServer(name, tree.root, tree.work);
      tree.atEnd(() => server.stop());
      servers.push(server);
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      skipped.push(`server ${name}: ${error.message}`);
    }
  }
  return servers;
}
