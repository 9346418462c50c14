// Runs the `ftppy` command line as a user would: a child process (through tsx, from the
// sources), with its own HOME (so no real ~/.netrc is read) and no FTPPY_* variables
// unless a test sets them.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { tempDir } from '../../helpers/files.js';
import { PASSWORD, startServer, USER, type TestServer } from '../../helpers/test-server.js';

export const MAIN = fileURLToPath(new URL('../../../lib/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for `cat`. */
  bytes: Buffer;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  /** Close stdout after the first chunk, as `| head` does. */
  stopReading?: boolean;
}

const home = tempDir('ftppy-cli-home-');
mkdirSync(home.dir, { recursive: true });
process.once('exit', () => home.remove());

/** An empty HOME for the CLI; tests that need a .netrc write it into one of their own. */
export const HOME = home.dir;

export function ftppy(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('FTPPY_')) env[key] = value;
  Object.assign(env, { HOME, NODE_OPTIONS: '' }, options.env);
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: options.cwd ?? HOME, env, stdio: 'pipe' });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    if (options.stopReading) child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const bytes = Buffer.concat(out);
      resolve({ code, signal, stdout: bytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), bytes });
    });
  });
}

/** The lines of an output, without the last empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
}

/** A folder for a test's local files, removed when the process exits. */
export function localFolder(prefix = 'ftppy-cli-'): string {
  const folder = tempDir(prefix);
  process.once('exit', () => folder.remove());
  return join(folder.dir);
}

/** Our server for one spec file, started before its tests and closed after them; `url` logs in as the test user. */
export function specServer(): { readonly root: string; readonly port: number; url(path?: string): string } {
  let t: TestServer | undefined;
  before(async () => {
    t = await startServer();
  });
  after(() => t?.close());
  return {
    get root() {
      return t!.root;
    },
    get port() {
      return t!.port;
    },
    url: (path = '') => `ftp://${USER}:${PASSWORD}@127.0.0.1:${t!.port}/${path}`,
  };
}
