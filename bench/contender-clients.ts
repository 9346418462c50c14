// Runs one client contender for one job, each in its own process (measured-process.ts):
// our client and basic-ftp through transfer.child.ts (bundled), curl, Python's ftplib
// (ftplib-transfer.py) and lftp. Each reports the time its own transfer took, from before
// connecting to the end: curl its time_total, lftp its whole process (a C++ program that
// starts in milliseconds), the others the time they measured around connect…close.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { childScript, nodeFlags } from './build-children.js';
import type { Job, ServerAddress } from './jobs.js';
import { runMeasured, type Measured } from './measured-process.js';

export type ClientName = 'ftppy' | 'basic-ftp' | 'curl' | 'ftplib' | 'lftp';

export interface ClientRun {
  ms: number;
  bytes: number;
  /** Peak RSS of the client process, bytes. */
  maxRss: number;
}

const PYTHON = '/usr/bin/python3';

/** Why a client cannot be run here, or null when it can. */
export function missingClient(name: ClientName): string | null {
  const probe = (command: string, args: string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  switch (name) {
    case 'curl':
      return probe('curl', ['--version']) ? null : 'curl is not installed';
    case 'lftp':
      return probe('lftp', ['--version']) ? null : 'lftp is not installed (apt-get install lftp)';
    case 'ftplib':
      return probe(PYTHON, ['-c', 'import ftplib']) ? null : `${PYTHON} is missing`;
    default:
      return null;
  }
}

function failed(name: ClientName, run: Measured): Error {
  return new Error(`${name} failed (exit ${run.code}): ${(run.stderr || run.stdout).trim().slice(-800)}`);
}

function reported(name: ClientName, run: Measured): ClientRun {
  if (run.code !== 0) throw failed(name, run);
  const { ms, bytes } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { ms: number; bytes: number };
  return { ms, bytes, maxRss: run.maxRss };
}

async function curl(server: ServerAddress, job: Job): Promise<ClientRun> {
  if (job.kind !== 'large-down' && job.kind !== 'large-up') throw new Error('curl runs single-file jobs');
  const url = `ftp://${server.host}:${server.port}/${job.remote.replace(/^\//, '')}`;
  const common = ['-sS', '--user', `${server.user}:${server.password}`, '-w', '%{time_total} %{size_download} %{size_upload}\\n'];
  let run: Measured;
  if (job.kind === 'large-down') {
    run = await runMeasured('curl', [...common, '-o', job.local ?? '/dev/null', url]);
  } else if (job.local !== null) {
    run = await runMeasured('curl', [...common, '-T', job.local, url]);
  } else {
    // From memory: a pipe from /dev/zero, the nearest a command-line tool comes to it.
    const quoted = [...common, '-T', '-', url].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    run = await runMeasured('sh', ['-c', `head -c ${job.size} /dev/zero | curl ${quoted}`]);
  }
  if (run.code !== 0) throw failed('curl', run);
  const [seconds, down, up] = run.stdout.trim().split(/\s+/).map(Number) as [number, number, number];
  return { ms: seconds * 1000, bytes: job.kind === 'large-down' ? down : up, maxRss: run.maxRss };
}

function lftpQuote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

async function lftp(server: ServerAddress, job: Job): Promise<ClientRun> {
  if (job.kind !== 'many-down' && job.kind !== 'many-up') throw new Error('lftp runs many-file jobs');
  const remote = lftpQuote(job.remoteDir);
  const local = lftpQuote(job.localDir);
  const mirror = job.kind === 'many-down' ? `mirror -P 10 ${remote} ${local}` : `mirror -R -P 10 ${local} ${remote}`;
  const script = [
    'set cmd:fail-exit yes',
    'set ftp:passive-mode yes',
    'set net:max-retries 1',
    `open -u ${lftpQuote(server.user)},${lftpQuote(server.password)} -p ${server.port} ${server.host}`,
    mirror,
    'quit',
  ].join('; ');
  // a HOME of its own: no ~/.lftprc or bookmarks of whoever runs the benchmark
  const home = join(dirname(job.localDir), '.lftp-home');
  mkdirSync(home, { recursive: true });
  const run = await runMeasured('lftp', ['-c', script], { env: { ...process.env, HOME: home } });
  if (run.code !== 0 || /error|fail/i.test(run.stderr)) throw failed('lftp', run);
  return { ms: run.wallMs, bytes: 0, maxRss: run.maxRss };
}

export async function runClient(name: ClientName, server: ServerAddress, job: Job): Promise<ClientRun> {
  switch (name) {
    case 'ftppy':
    case 'basic-ftp':
      return reported(name, await runMeasured(process.execPath, [...nodeFlags(), await childScript('transfer.child.ts'), name, JSON.stringify(server), JSON.stringify(job)]));
    case 'ftplib': {
      const script = join(import.meta.dirname, 'ftplib-transfer.py');
      return reported(name, await runMeasured(PYTHON, [script, server.host, String(server.port), server.user, server.password, JSON.stringify(job)]));
    }
    case 'curl':
      return curl(server, job);
    case 'lftp':
      return lftp(server, job);
  }
}

/** The clients of `names` that this machine has; the others are said in `skipped`. */
export function availableClients(names: readonly ClientName[], skipped: string[]): ClientName[] {
  return names.filter((name) => {
    const missing = missingClient(name);
    if (missing) skipped.push(`client ${name}: ${missing}`);
    return missing === null;
  });
}
