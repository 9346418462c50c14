// Every entry of a listing of a folder has that folder's path and its own (checked) name:
// a pathname the server wrote in an MLSD line (`/etc/passwd` in a listing of /r) names
// no other folder. Callers mirror (join(root, relative(dir, entry.path))), delete
// (rmdir recursive DELEs entry.path) and prune backups by these paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { startScriptServer, type Session } from '../helpers/script-server.js';

describe('MLSD pathnames that name another folder (list({ deep }), search, rmdir)', () => {
  const lines = ['type=file;size=5;modify=20240101000000; good.txt', 'type=file;size=5;modify=20240101000000; /etc/passwd'];

  async function withServer(run: (ftp: FtpPy, log: string[][]) => Promise<void>): Promise<void> {
    const server = await startScriptServer();
    try {
      server.dirs.add('/r');
      for (const path of ['/r/good.txt', '/r/passwd', '/etc/passwd']) server.files.set(path, Buffer.from('5 b\n'));
      server.features = [...server.features, 'MLST type*;size*;modify*;'];
      server.on('MLSD', async (session: Session) => {
        const data = await session.data();
        session.reply('150 Here it comes');
        data.end(lines.map((l) => `${l}\r\n`).join(''), () => session.reply('226 Done'));
        return true;
      });
      await run(new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0, backoff: 0.01 } }), server.log);
    } finally {
      await server.close();
    }
  }

  it('list({ deep }) and search give entries whose paths all lie inside the folder listed', { timeout: 20_000 }, async () => {
    await withServer(async (ftp) => {
      await ftp.client(async (client) => {
        const deep = (await client.list('/r', { deep: true }))?.map((entry) => entry.path);
        const found = (await client.search('*', '/r'))?.map((entry) => entry.path);
        assert.deepEqual(deep, ['/r/good.txt', '/r/passwd']);
        assert.deepEqual(found, ['/r/good.txt', '/r/passwd']);
      });
    });
  });

  it('rmdir recursive deletes nothing outside the folder', { timeout: 20_000 }, async () => {
    await withServer(async (ftp, log) => {
      await ftp.client((client) => client.rmdir('/r', { recursive: true })).catch(() => {});
      const deletes = log.flat().filter((line) => line.startsWith('DELE '));
      assert.deepEqual(deletes, ['DELE /r/good.txt', 'DELE /r/passwd']);
    });
  });
});
