// `replace: false` on a server without MLST and SIZE: the parent's listing decides, and a
// listing with lines it could not read or refused cannot say that a name is absent.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { tempDir } from '../helpers/files.js';
import { startScriptServer, type Session } from '../helpers/script-server.js';

const local = tempDir('ftppy-replace-undecided-');
after(() => local.remove());

describe('replace: false where the listing cannot say', () => {
  // Without SIZE and MLST, the parent's listing decides whether the name is there. A
  // listing whose lines the parser cannot read (a server whose LIST gives bare names), or
  // whose line for that name it refuses (a Unix name with a backslash), proves nothing:
  // the upload is refused, with a warning, rather than stored over the file.
  for (const [what, name, listing] of [
    ['a LIST of bare names', 'old.txt', (names: string[]) => names.join('\r\n')],
    ['a name the parser refuses (a backslash)', 'back\\slash.txt', null],
  ] as const) {
    it(`upload with replace: false does not overwrite: ${what}`, { timeout: 20_000 }, async () => {
      const server = await startScriptServer();
      try {
        server.features = ['EPSV', 'UTF8'];
        server.on('SIZE', (session) => (session.reply('502 Not implemented'), true));
        server.dirs.add('/d');
        server.files.set(`/d/${name}`, Buffer.from('old\n'));
        if (listing) {
          server.on('LIST', async (session: Session) => {
            const data = await session.data();
            session.reply('150 Here it comes');
            data.end(`${listing([name])}\r\n`, () => session.reply('226 Done'));
            return true;
          });
        }
        const source = join(local.dir, 'new.txt');
        writeFileSync(source, 'NEW\n');
        const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0, backoff: 0.01 } });
        await ftp.client((client) => client.upload(source, `/d/${name}`, { replace: false }));
        const stores = server.log.flat().filter((line) => line.startsWith('STOR ') || line.startsWith('RNTO '));
        assert.equal(server.files.get(`/d/${name}`)?.toString(), 'old\n', `overwritten by ${JSON.stringify(stores)}`);
      } finally {
        await server.close();
      }
    });
  }
});
