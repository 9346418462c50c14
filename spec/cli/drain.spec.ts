// Rolling restarts: SIGTERM to `ftppy serve` drains it. /healthz turns 503, the FTP port
// refuses new connections, idle sessions get 421, a running transfer (at the server's rate)
// finishes within --grace, then the process exits 0; an upload still running when the
// grace ends is cut and leaves nothing, the file it would have replaced intact.
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, sha256 } from '../helpers/files.js';
import { freePort } from '../helpers/ports.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { untilAsync, within } from '../helpers/wait.js';
import { leftovers } from '../http/support/web.js';
import { localFolder } from './support/cli.js';
import { serve } from './support/serve-process.js';

const refusedConnection = (port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

const size = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

describe('ftppy serve drains on SIGTERM', { skip: skipUnless('curl'), timeout: 60_000 }, () => {
  it('healthz 503, new connections refused, idle sessions 421, a slow download finishes, exit 0', async () => {
    const root = localFolder();
    const big = pseudoRandom(1536 * 1024, 5);
    writeFileSync(join(root, 'big.bin'), big);
    const port = await freePort();
    // The server sends at 150 KiB/s (its own limit, from a config file). curl's
    // --limit-rate did it before, but curl lets through a burst that arrives at once: with
    // the file read synchronously it took 1.7 s for the 1.5 MiB, done before the signal.
    const config = join(localFolder(), 'server.json');
    writeFileSync(config, JSON.stringify({ rate: { download: 150 * 1024 } }));
    const server = await serve(['--config', config, '--root', root, '--host', '127.0.0.1', '--port', String(port), '--web', String(await freePort()), '--grace', '30']);
    const web = Number(/web API {2}http:\/\/127\.0\.0\.1:(\d+)\//.exec(server.banner)![1]);
    try {
      assert.equal((await fetch(`http://127.0.0.1:${web}/healthz`)).status, 200);
      const idle = await RawFtp.connect(port);
      assert.equal((await idle.login('anonymous', 'x')).code, 230);
      const out = join(localFolder(), 'big.bin');
      // 1.5 MiB at 150 KiB/s: about 10 s, most of it after the signal, however slow a loaded machine makes the steps between.
      const download = run('curl', ['-sS', '--max-time', '50', '-o', out, `ftp://127.0.0.1:${port}/big.bin`], { timeoutMs: 55_000 });
      await untilAsync(async () => size(out) > 0, 'the download to start');
      server.child.kill('SIGTERM');
      assert.equal((await idle.reply()).code, 421);
      await idle.closed();
      assert.equal((await fetch(`http://127.0.0.1:${web}/healthz`)).status, 503);
      assert.equal(await refusedConnection(port), 'ECONNREFUSED');
      assert.ok(size(out) < big.length, 'the download was still running when the new connection was refused');
      const result = await within(download, 'curl');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(sha256(out), sha256(big));
      assert.equal(await within(server.exited, 'the process to exit'), 0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('an upload still running when --grace ends is cut: nothing half-written, the old file kept, exit 0', async () => {
    const root = localFolder();
    writeFileSync(join(root, 'target.bin'), 'the old content\n');
    const local = join(localFolder(), 'new.bin');
    writeFileSync(local, pseudoRandom(2 * 1024 * 1024, 6));
    const port = await freePort();
    const server = await serve(['--root', root, '--host', '127.0.0.1', '--port', String(port), '--web', 'off', '--grace', '1']);
    try {
      // 2 MiB at 100 KiB/s: 20 s, far beyond the 1 s grace.
      const upload = run('curl', ['-sS', '--max-time', '50', '--limit-rate', '100k', '-T', local, `ftp://127.0.0.1:${port}/target.bin`], { timeoutMs: 55_000 });
      await untilAsync(async () => leftovers(root).length > 0, 'the upload to start');
      server.child.kill('SIGTERM');
      assert.equal(await within(server.exited, 'the process to exit'), 0);
      const result = await within(upload, 'curl');
      assert.notEqual(result.code, 0, 'curl saw its upload cut');
      assert.deepEqual(leftovers(root), []);
      assert.equal(sha256(join(root, 'target.bin')), sha256(Buffer.from('the old content\n')));
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
