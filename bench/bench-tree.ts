// The folder a benchmark works in, made fresh for each run and removed at its end (or on
// Ctrl-C), with what was started on its behalf:
//   root/   what the servers serve (mode 555: vsftpd refuses a writable anonymous root);
//           the folders written to are made world-writable, as vsftpd's anonymous
//           sessions run as the user `ftp`
//   local/  the clients' side: sources of uploads, targets of downloads
//   work/   server configurations and logs
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchTree {
  base: string;
  root: string;
  local: string;
  work: string;
  /** Makes `root/<path>` (and its parents), writable by every server. */
  serverDir(path: string): string;
  /** Runs `fn` at the end, the last registered first (stopping servers before removing their files). */
  atEnd(fn: () => Promise<void> | void): void;
  /** Runs what was registered and removes the folder. */
  dispose(): Promise<void>;
}

export function benchTree(name: string): BenchTree {
  const base = mkdtempSync(join(tmpdir(), `ftppy-bench-${name}-`));
  chmodSync(base, 0o755);
  const root = join(base, 'root');
  const local = join(base, 'local');
  const work = join(base, 'work');
  for (const dir of [root, local, work]) mkdirSync(dir);
  chmodSync(root, 0o555);
  const finishers: (() => Promise<void> | void)[] = [];
  let disposed: Promise<void> | null = null;
  const dispose = (): Promise<void> => {
    disposed ??= (async () => {
      for (const fn of finishers.reverse()) await Promise.resolve(fn()).catch((error: unknown) => console.error(error));
      rmSync(base, { recursive: true, force: true });
    })();
    return disposed;
  };
  const interrupted = (): void => {
    console.error('\ninterrupted: stopping what was started and removing', base);
    void dispose().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  return {
    base, root, local, work,
    serverDir(path) {
      let at = root;
      for (const part of path.split('/').filter(Boolean)) {
        at = join(at, part);
        mkdirSync(at, { recursive: true });
        chmodSync(at, 0o777);
      }
      return at;
    },
    atEnd(fn) {
      finishers.push(fn);
    },
    dispose,
  };
}
