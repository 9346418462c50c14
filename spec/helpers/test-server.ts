// Our FTP server on a free loopback port, over a fresh temporary folder with a known tree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type FtpServer, type ServerOptions } from '../../server/index.js';
import { pseudoRandom, tempDir } from './files.js';

export const USER = 'alice';
export const PASSWORD = 'wonderland';
export const BINARY = pseudoRandom(1024 * 1024 + 17, 7);

export interface TestServer {
  server: FtpServer;
  port: number;
  /** The served folder on disk. */
  root: string;
  close(): Promise<void>;
  /** `await using t = await startServer()` closes the server even when the test fails. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Writes the tree every server spec starts from into `root`. */
export function writeTree(root: string): void {
  mkdirSync(join(root, 'pub/nested/deeper'), { recursive: true });
  mkdirSync(join(root, 'upload'));
  writeFileSync(join(root, 'pub/hello.txt'), 'hello world\n');
  writeFileSync(join(root, 'pub/lines.txt'), 'one\ntwo\nthree\n');
  writeFileSync(join(root, 'pub/name with spaces.txt'), 'spaces\n');
  writeFileSync(join(root, 'pub/unicode-été-名前.txt'), 'unicode\n');
  writeFileSync(join(root, 'pub/nested/deeper/deep.txt'), 'deep\n');
  writeFileSync(join(root, 'pub/data.bin'), BINARY);
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const folder = tempDir('ftppy-server-');
  writeTree(folder.dir);
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    root: folder.dir,
    users: [{ name: USER, password: PASSWORD }],
    anonymous: true,
    // Specs fail logins from 127.0.0.1 by the dozen: the ban list is on only where a spec asks for it.
    ban: false,
    ...options,
    limits: { loginDelay: 0.05, ...options.limits },
  });
  const close = async (): Promise<void> => {
    await server.close();
    folder.remove();
  };
  return { server, port: server.port, root: folder.dir, close, [Symbol.asyncDispose]: close };
}
