// `ftppy serve` as a child process, for the specs that need a real one: its banner, what
// it writes afterwards (JSON log lines), signals, and its exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { HOME, localFolder, MAIN } from './cli.js';

export interface Serving {
  child: ChildProcess;
  banner: string;
  /** Everything written to stdout so far, banner included. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `ftppy serve ARGS` and waits for its banner (on stderr with `--log json`, which keeps stdout for the log). */
export async function serve(args: string[], cwd = localFolder()): Promise<Serving> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'serve', ...args], { cwd, env: { ...process.env, HOME }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const banner = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      for (const text of [stdout, stderr]) if (text.includes('Ctrl-C stops it.')) resolve(text);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    banner,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
