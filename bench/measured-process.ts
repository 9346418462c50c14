// Runs a contender (a client, a load generator) in its own process and reports what it
// printed, how long it ran and its peak RSS. The peak comes from the kernel's own account
// (GNU time's %M, that is wait4's ru_maxrss, children included), so a process that peaks
// just before exiting is not missed; without /usr/bin/time it is NaN.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Bytes; NaN when it could not be had. */
  maxRss: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill it after this long. */
  timeoutMs?: number;
  /** Called with its pid once it runs (the pid of GNU time's child is not known: this is time's). */
  onSpawn?: (pid: number) => void;
}

export function runMeasured(command: string, args: readonly string[], options: RunOptions = {}): Promise<Measured> {
  const timed = existsSync(GNU_TIME);
  const dir = timed ? mkdtempSync(join(tmpdir(), 'ftppy-bench-time-')) : '';
  const report = join(dir, 'rss');
  const [file, argv] = timed ? [GNU_TIME, ['-f', '%M', '-o', report, command, ...args]] : [command, [...args]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.once('error', (error) => {
      clearTimeout(timer);
      if (timed) rmSync(dir, { recursive: true, force: true });
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      let maxRss = Number.NaN;
      if (timed) {
        // time writes "Command exited with non-zero status N" before the figure when it fails
        const lines = (existsSync(report) ? readFileSync(report, 'utf8') : '').trim().split('\n');
        maxRss = Number(lines.at(-1)) * 1024;
        rmSync(dir, { recursive: true, force: true });
      }
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), wallMs, maxRss });
    });
  });
}
