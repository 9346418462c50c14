// GET /metrics (Prometheus text format 0.0.4) and GET /healthz on the web port: read by
// the strict checker of spec/helpers/prometheus.ts, their counters against what curl, our
// client and a raw control connection did; no login needed; each can be turned off.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Basic } from '../../lib/auth.js';
import { FtpPy } from '../../lib/ftppy.js';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { freePort } from '../helpers/ports.js';
import { parsePrometheus, sampleValue, type Family } from '../helpers/prometheus.js';
import { connectData, RawFtp, writeAll } from '../helpers/raw-ftp.js';
import { VERSION } from '../../common/version.js';
import { BINARY, PASSWORD, USER, writeTree } from '../helpers/test-server.js';
import { within } from '../helpers/wait.js';
import { ask, startWeb } from './support/web.js';

const local = tempDir('ftppy-metrics-');
after(() => local.remove());

async function metrics(port: number): Promise<Map<string, Family>> {
  const answer = await ask(port, 'GET', '/metrics');
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(answer.text);
}

describe('GET /metrics', { timeout: 60_000 }, () => {
  it('is strict Prometheus text whose counters add up to what curl, our client and a raw session did', { skip: skipUnless('curl') }, async () => {
    // data: 2 s, so that a download whose data connection never comes fails soon.
    // Two failures from one address ban it: curl's one wrong password from 127.0.0.1 does not.
    const w = await startWeb({ version: VERSION }, { limits: { perAddress: 1 }, timeouts: { data: 2 }, ban: { failures: 2, window: 600, duration: 600 } });
    try {
      const before = await metrics(w.port);
      for (const [name, family] of before) assert.ok(family.help, `${name} has a HELP line`);
      assert.equal(before.get('ftppy_transfers_total')?.type, 'counter');
      assert.equal(sampleValue(before, 'ftppy_build_info', { version: VERSION }), 1);
      assert.equal(sampleValue(before, 'ftppy_sessions_total'), 0);
      assert.equal(sampleValue(before, 'ftppy_bans'), 0);

      const url = `ftp://127.0.0.1:${w.ftp.port}`;
      const curl = async (...args: string[]): Promise<string> => expectSuccess(await run('curl', ['-sS', '--max-time', '20', ...args]), `curl ${args.join(' ')}`);
      assert.equal(await curl('-u', `${USER}:${PASSWORD}`, `${url}/pub/hello.txt`), 'hello world\n');
      const upload = join(local.dir, 'up.bin');
      writeFileSync(upload, pseudoRandom(5000, 3));
      await curl('-u', `${USER}:${PASSWORD}`, '-T', upload, `${url}/upload/`);
      const listing = await curl('-u', `${USER}:${PASSWORD}`, `${url}/pub/`);
      const wrong = await run('curl', ['-sS', '--max-time', '20', '-u', `${USER}:nope`, `${url}/pub/hello.txt`]);
      assert.notEqual(wrong.code, 0);

      const ftp = new FtpPy(url, { auth: new Basic(USER, PASSWORD) });
      const client = await ftp.client();
      try {
        const mine = join(local.dir, 'mine.bin');
        writeFileSync(mine, pseudoRandom(7000, 4));
        assert.equal(await client.upload(mine, '/upload/mine.bin'), true);
        assert.equal(await client.download('/pub/data.bin', join(local.dir, 'data.bin')), true);
      } finally {
        await client.close();
      }

      // A raw session: a passive port held open, then a download whose data connection never comes.
      const raw = await RawFtp.connect(w.ftp.port);
      await raw.login(USER, PASSWORD);
      await raw.epsv();
      const held = await metrics(w.port);
      assert.equal(sampleValue(held, 'ftppy_passive_ports'), 1);
      assert.equal(sampleValue(held, 'ftppy_connections'), 1);
      // perAddress 1: a second connection from 127.0.0.1 is refused while this one is open.
      const refused = await RawFtp.connect(w.ftp.port);
      assert.equal(refused.greeting.code, 421);
      refused.close();
      assert.equal((await raw.cmd('RETR /pub/hello.txt')).code, 425);
      const ended = once(w.ftp.server, 'session-end');
      await raw.cmd('QUIT');
      await within(ended, 'the raw session to end');

      const m = await metrics(w.port);
      const stats = w.ftp.server.stats();
      assert.equal(sampleValue(m, 'ftppy_connections'), 0);
      assert.equal(sampleValue(m, 'ftppy_passive_ports'), 0);
      assert.equal(sampleValue(m, 'ftppy_connections_refused_total'), 1);
      assert.equal(sampleValue(m, 'ftppy_sessions_total'), stats.sessions);
      assert.ok(stats.sessions >= 6, `curl 4 times, our client, the raw session: ${stats.sessions} sessions`);
      assert.equal(sampleValue(m, 'ftppy_logins_total', { result: 'failed' }), 1);
      // Every session logged in once but curl's with the wrong password.
      assert.equal(sampleValue(m, 'ftppy_logins_total', { result: 'ok' }), stats.sessions - 1);
      assert.equal(sampleValue(m, 'ftppy_transfers_total', { direction: 'upload' }), 2);
      assert.equal(sampleValue(m, 'ftppy_transfer_bytes_total', { direction: 'upload' }), 5000 + 7000);
      assert.equal(sampleValue(m, 'ftppy_transfers_total', { direction: 'download' }), 2);
      assert.equal(sampleValue(m, 'ftppy_transfer_bytes_total', { direction: 'download' }), 12 + BINARY.length);
      assert.equal(sampleValue(m, 'ftppy_transfer_errors_total', { direction: 'download' }), 1);
      assert.equal(sampleValue(m, 'ftppy_transfer_errors_total', { direction: 'upload' }), 0);
      assert.equal(sampleValue(m, 'ftppy_transfers_total', { direction: 'list' }), stats.transfers - 4);
      assert.ok(sampleValue(m, 'ftppy_transfer_bytes_total', { direction: 'list' }) >= Buffer.byteLength(listing));
      assert.equal(sampleValue(m, 'ftppy_draining'), 0);
      // Two wrong passwords from 127.0.0.2 ban it; its next connection is turned away.
      for (let i = 0; i < 2; i++) assert.notEqual((await run('curl', ['-sS', '--max-time', '20', '--interface', '127.0.0.2', '-u', `${USER}:nope`, `${url}/pub/hello.txt`])).code, 0);
      assert.notEqual((await run('curl', ['-sS', '--max-time', '5', '--interface', '127.0.0.2', '-u', `${USER}:${PASSWORD}`, `${url}/pub/hello.txt`])).code, 0);
      const banned = await metrics(w.port);
      assert.equal(sampleValue(banned, 'ftppy_bans'), 1);
      assert.equal(sampleValue(banned, 'ftppy_connections_banned_total'), 1);
    } finally {
      await w.close();
    }
  });

  it('escapes label values and HELP text as the format says', async () => {
    const w = await startWeb({ version: 'v"1\\2\nb' });
    try {
      const m = await metrics(w.port);
      assert.equal(sampleValue(m, 'ftppy_build_info', { version: 'v"1\\2\nb' }), 1);
    } finally {
      await w.close();
    }
  });
});

describe('GET /healthz', { timeout: 30_000 }, () => {
  it('200 while serving, 503 once the server drains; both need no login', async () => {
    const w = await startWeb({}, { users: [{ name: USER, password: PASSWORD }], anonymous: false });
    try {
      assert.equal((await ask(w.port, 'GET', '/')).status, 401, 'the status page does need a login');
      const ok = await ask(w.port, 'GET', '/healthz');
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json(), { status: 'serving' });
      // An upload in progress keeps the drain going while /healthz is asked.
      const raw = await RawFtp.connect(w.ftp.port);
      await raw.login(USER, PASSWORD);
      await raw.cmd('TYPE I');
      const data = await connectData(await raw.epsv());
      assert.equal((await raw.cmd('STOR /upload/during-drain.txt')).code, 150);
      data.write('first half, ');
      const closed = w.ftp.server.close({ grace: 20 });
      const draining = await ask(w.port, 'GET', '/healthz');
      assert.equal(draining.status, 503);
      assert.deepEqual(draining.json(), { status: 'draining' });
      assert.equal(sampleValue(await metrics(w.port), 'ftppy_draining'), 1);
      await writeAll(data, 'second half');
      assert.equal((await raw.reply()).code, 226);
      assert.equal((await raw.reply()).code, 421);
      await within(closed, 'the drain');
      assert.equal(readFileSync(join(w.root, 'upload/during-drain.txt'), 'utf8'), 'first half, second half');
    } finally {
      await w.close();
    }
  });
});

describe('a banned address', { timeout: 30_000 }, () => {
  it('still reads /healthz and /metrics (no login, no files): a monitor sharing its address is not told the server is down', async () => {
    const w = await startWeb({}, { users: [{ name: USER, password: PASSWORD }], anonymous: false, ban: { failures: 1, window: 60, duration: 60 } });
    try {
      assert.equal((await ask(w.port, 'GET', '/', { auth: `${USER}:wrong` })).status, 401);
      assert.equal((await ask(w.port, 'GET', '/', { auth: `${USER}:${PASSWORD}` })).status, 429, 'banned');
      const health = await ask(w.port, 'GET', '/healthz');
      assert.equal(health.status, 200, health.text);
      assert.equal(sampleValue(await metrics(w.port), 'ftppy_bans'), 1);
      assert.equal((await ask(w.port, 'GET', '/healthz?x=1')).status, 200);
      assert.equal((await ask(w.port, 'POST', '/healthz')).status, 429, 'only what the monitor reads is let through');
    } finally {
      await w.close();
    }
  });
});

describe('web options', { timeout: 30_000 }, () => {
  const root = tempDir('ftppy-metrics-root-');
  writeTree(root.dir);
  after(() => root.remove());

  it('web: { port, metrics: false, health: false } answers 404 on both; web: number keeps them on', async () => {
    const port = await freePort();
    const ftp = new FtpPy(`ftp://127.0.0.1:${port}`);
    const webPort = await freePort();
    {
      await using server = await ftp.server({ root: root.dir, web: { port: webPort, metrics: false, health: false } });
      assert.equal(server.web?.port, webPort);
      assert.equal((await ask(webPort, 'GET', '/metrics')).status, 404);
      assert.equal((await ask(webPort, 'GET', '/healthz')).status, 404);
      assert.equal((await ask(webPort, 'GET', '/')).status, 200);
    }
    {
      await using server = await ftp.server({ root: root.dir, web: webPort });
      assert.equal(server.web?.port, webPort);
      assert.equal((await ask(webPort, 'GET', '/metrics')).status, 200);
      assert.equal((await ask(webPort, 'GET', '/healthz')).status, 200);
    }
    {
      await using server = await ftp.server({ root: root.dir, web: { metrics: false } });
      assert.equal(server.web?.port, port + 1);
      assert.equal((await ask(port + 1, 'GET', '/metrics')).status, 404);
      assert.equal((await ask(port + 1, 'GET', '/healthz')).status, 200);
    }
    await assert.rejects(ftp.server({ root: root.dir, web: { prot: 1 } as never }), /prot/);
  });
});
