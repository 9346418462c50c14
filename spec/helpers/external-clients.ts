// Clients we did not write (Python's ftplib, curl, lftp, wget), run as child processes
// with a deadline, for the interoperability specs.
import { execFileSync, spawn } from 'node:child_process';
import { skipOutsideCi } from './ci.js';

export function installed(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** For `skip`: false when the tool is installed; else skipped outside CI, failed under CI=true (see ci.ts). */
export function skipUnless(command: string): string | false {
  return skipOutsideCi(installed(command) ? false : `${command} is not installed`);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { timeoutMs?: number; cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const env = options.env ? { ...process.env, ...options.env } : undefined;
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a Python script (`python3 -c`), with `args` as sys.argv[1:]. */
export function python(script: string, args: (string | number)[] = [], timeoutMs = 30_000): Promise<RunResult> {
  return run('python3', ['-c', script, ...args.map(String)], { timeoutMs });
}

/** Fails with the tool's output when it did not exit 0. */
export function expectSuccess(result: RunResult, what: string): string {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  return result.stdout;
}
