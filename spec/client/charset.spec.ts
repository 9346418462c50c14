// Names in another charset (issue 15 item 5): a server without UTF8 in FEAT whose disk
// holds Latin-1 names (é is byte 0xE9). Without an `encoding`, the client carries such a
// name as its raw bytes (protocol/text.ts) and sends exactly those back; with
// `encoding: 'latin1'` (lftp's ftp:charset) the names are read and written as Latin-1
// text, so `café.txt` is what the caller sees, types and gets on the local disk.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { encodeRaw } from '../../protocol/text.js';
import { tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/**
 * A Latin-1 disk behind the scripted server: paths are Latin-1 bytes (the raw string the
 * command parser hands over is turned back into them), LIST writes ls -l lines in Latin-1.
 */
function latin1Disk(server: ScriptServer, files: Record<string, string>): Map<string, string> {
  const disk = new Map<string, string>(); // latin1-decoded path → content, '' + dir marker for folders
  const dirs = new Set<string>(['/']);
  for (const [path, content] of Object.entries(files)) {
    disk.set(path, content);
    for (let d = path.slice(0, path.lastIndexOf('/')); d !== ''; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
  }
  const pathOf = (arg: string): string => encodeRaw(arg.replace(/^-a /, '')).toString('latin1');
  const children = (dir: string): [string, boolean][] => {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Map<string, boolean>();
    for (const p of [...disk.keys(), ...dirs]) {
      if (p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) names.set(p.slice(prefix.length), dirs.has(p));
    }
    return [...names];
  };
  server.features = ['EPSV', 'SIZE']; // no UTF8: names are the server's own bytes
  server.on('CWD', (session, arg) => {
    session.reply(dirs.has(pathOf(arg)) ? '250 OK' : '550 No such directory');
    return true;
  });
  server.on('SIZE', (session, arg) => {
    const file = disk.get(pathOf(arg));
    session.reply(file === undefined ? '550 No such file' : `213 ${file.length}`);
    return true;
  });
  server.on('LIST', async (session, arg) => {
    const dir = pathOf(arg);
    if (!dirs.has(dir)) {
      session.reply('550 No such directory');
      return true;
    }
    const lines = children(dir).map(([name, isDir]) =>
      isDir ? `drwxr-xr-x    2 0        0            4096 Jan 01  2024 ${name}\r\n` : `-rw-r--r--    1 0        0        ${String(disk.get(`${dir === '/' ? '' : dir}/${name}`)!.length).padStart(8)} Jan 01  2024 ${name}\r\n`,
    );
    const data = await session.data();
    session.reply('150 Here it comes');
    data.end(latin1(lines.join('')), () => session.reply('226 Done'));
    return true;
  });
  server.on('RETR', async (session, arg) => {
    const file = disk.get(pathOf(arg));
    if (file === undefined) {
      session.reply('550 No such file');
      return true;
    }
    const data = await session.data();
    session.reply('150 Here it comes');
    data.end(Buffer.from(file), () => session.reply('226 Done'));
    return true;
  });
  return disk;
}

describe('names in Latin-1 on a server without UTF8', { timeout: 20_000 }, () => {
  let server: ScriptServer;
  const local = tempDir('ftppy-charset-');
  beforeEach(async () => {
    server = await startScriptServer();
  });
  afterEach(() => server.close());
  after(() => local.remove());

  const ftp = (options: { encoding?: 'utf8' | 'latin1' } = {}): FtpPy =>
    new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 }, ...options });
  const sent = (verb: string): string[] => server.log.flat().filter((line) => line.startsWith(`${verb} `)).map((line) => encodeRaw(line).toString('hex'));

  it('without an encoding, sync down keeps each name\'s raw bytes and sends exactly those back', async () => {
    latin1Disk(server, { '/caf\xe9/r\xe9sum\xe9.txt': 'cv\n', '/caf\xe9/plain.txt': 'plain\n' });
    const dst = join(local.dir, 'raw');
    const results = await ftp().client((client) => client.sync(dst, '/', 'down'));
    assert.ok(Object.values(results).length === 3 && Object.values(results).every(Boolean), JSON.stringify(results));
    assert.deepEqual(readdirSync(dst, { encoding: 'buffer' }).map((n) => n.toString('hex')), [latin1('caf\xe9').toString('hex')]);
    const inner = Buffer.concat([Buffer.from(`${dst}/`), latin1('caf\xe9/r\xe9sum\xe9.txt')]);
    assert.equal(readFileSync(inner, 'utf8'), 'cv\n');
  });

  it("encoding: 'latin1' lists names as text, sends them as Latin-1, and sync down writes them as local (UTF-8) names", async () => {
    latin1Disk(server, { '/caf\xe9/r\xe9sum\xe9.txt': 'cv\n', '/caf\xe9/plain.txt': 'plain\n' });
    const dst = join(local.dir, 'latin1');
    await ftp({ encoding: 'latin1' }).client(async (client) => {
      const names = (await client.list('/café'))?.map((entry) => entry.name).sort();
      assert.deepEqual(names, ['plain.txt', 'résumé.txt']);
      assert.equal(await client.download('/café/résumé.txt', join(local.dir, 'one.txt')), true);
      const results = await client.sync(dst, '/', 'down');
      assert.ok(Object.values(results).length === 3 && Object.values(results).every(Boolean), JSON.stringify(results));
    });
    assert.ok(sent('RETR').includes(latin1('RETR /caf\xe9/r\xe9sum\xe9.txt').toString('hex')), `RETR sent: ${sent('RETR').join(', ')}`);
    assert.deepEqual(readdirSync(dst), ['café']);
    assert.deepEqual(readdirSync(join(dst, 'café')).sort(), ['plain.txt', 'résumé.txt']);
    assert.equal(readFileSync(join(dst, 'café', 'résumé.txt'), 'utf8'), 'cv\n');
  });

  it("encoding: 'latin1' refuses a name Latin-1 cannot write, before sending anything", async () => {
    latin1Disk(server, {});
    const warnings = captureWarnings();
    try {
      await ftp({ encoding: 'latin1' }).client(async (client) => {
        assert.equal(await client.download('/prix-€.txt', join(local.dir, 'euro.txt')), false);
      });
      await settled();
    } finally {
      warnings.stop();
    }
    assert.deepEqual(sent('RETR'), []);
    const said = warnings.list.find((w) => w.code === 'FTPPY_ERR_INVALID_ARGUMENT');
    assert.match(said?.message ?? JSON.stringify(warnings.list), /cannot be written in latin1.*"€" has no Latin-1 byte/);
  });

  it('refuses an encoding it does not know', () => {
    assert.throws(() => ftp({ encoding: 'cp1252' as 'latin1' }), /encoding must be 'utf8' or 'latin1', got "cp1252"/);
  });
});
