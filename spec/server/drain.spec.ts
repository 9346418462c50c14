// server.close({ grace }) from the library: idle sessions get 421 at once, an upload
// still running when the grace ends is cut and discarded, the file it would have
// replaced kept; the listener refuses new connections from the start of the drain.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { leftovers } from '../http/support/web.js';
import { resolveOptions } from '../../server/options.js';
import { connectData, RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { within } from '../helpers/wait.js';

describe('server.close({ grace })', { timeout: 30_000 }, () => {
  it('421 to the idle, refusal to the new, and an upload cut at the end of the grace leaves nothing', async () => {
    await using t = await startServer();
    writeFileSync(join(t.root, 'upload/target.bin'), 'the old content\n');
    const idle = await RawFtp.connect(t.port);
    await idle.login(USER, PASSWORD);
    const busy = await RawFtp.connect(t.port);
    await busy.login(USER, PASSWORD);
    await busy.cmd('TYPE I');
    const data = await connectData(await busy.epsv());
    data.on('error', () => {});
    assert.equal((await busy.cmd('STOR /upload/target.bin')).code, 150);
    data.write(Buffer.alloc(64 * 1024, 1)); // and never ends
    const started = performance.now();
    const closed = t.server.close({ grace: 0.5 });
    assert.equal(t.server.draining, true);
    assert.equal((await idle.reply()).code, 421);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: t.port });
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    assert.equal(refused, 'ECONNREFUSED');
    await within(closed, 'the drain');
    assert.ok(performance.now() - started >= 400, 'the upload had its grace');
    await busy.closed();
    assert.equal(readFileSync(join(t.root, 'upload/target.bin'), 'utf8'), 'the old content\n');
    assert.deepEqual(leftovers(t.root), []);
    const stats = t.server.stats();
    assert.equal(stats.byDirection.upload.failed, 1);
    assert.equal(stats.connections, 0);
  });

  it('a login still being decided when the drain starts: 421, not counted or logged as a failed login', async () => {
    let asked!: () => void;
    const asking = new Promise<void>((resolve) => (asked = resolve));
    await using t = await startServer({
      authenticate: (_name, _password, { signal }) => {
        asked();
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
    });
    const failed: unknown[] = [];
    t.server.on('login-failed', (e) => failed.push(e));
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.cmd('USER carol')).code, 331);
    ftp.send('PASS secret\r\n');
    await asking;
    await within(t.server.close({ grace: 5 }), 'the drain, not held up by the login');
    assert.equal((await ftp.reply()).code, 421);
    await ftp.closed();
    assert.deepEqual(failed, []);
    assert.equal(t.server.stats().failedLogins, 0);
  });

  it('refuses a grace that is not seconds', async () => {
    await using t = await startServer();
    assert.throws(() => t.server.close({ grace: -1 }), /close grace must be a number ≥ 0/);
    // Past 2^31-1 ms a Node timer fires at once: the drain would cut every transfer.
    assert.throws(() => t.server.close({ grace: 3_000_000 }), /close grace must be at most 2147483 seconds/);
    for (const field of ['idle', 'data', 'stall', 'grace', 'authenticate'] as const) {
      assert.throws(() => resolveOptions({ timeouts: { [field]: 3_000_000 } }), new RegExp(`timeouts\\.${field} must be at most 2147483 seconds`));
    }
    assert.throws(() => resolveOptions({ limits: { loginDelay: 3_000_000 } }), /limits\.loginDelay must be at most 2147483 seconds/);
  });
});
