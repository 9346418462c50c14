// A user whose home is a folder of the root sees only paths inside it: a failure's reply
// names the path as the user sees it, never where the home lies in the server's storage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawFtp } from '../helpers/raw-ftp.js';
import { startServer } from '../helpers/test-server.js';

describe('replies to a user with a home of their own', { timeout: 20_000 }, () => {
  it('name the path the user asked for, not the storage path of the home', async () => {
    await using t = await startServer({ users: [{ name: 'bob', password: 'pw', home: '/home/bob' }] });
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login('bob', 'pw')).code, 230);
    for (const command of ['SIZE missing.txt', 'MDTM /missing.txt', 'CWD nowhere', 'DELE sub/missing.txt']) {
      const reply = await ftp.cmd(command);
      assert.equal(reply.code, 550, command);
      assert.doesNotMatch(reply.message, /home\/bob/, `${command}: ${reply.message}`);
      assert.match(reply.message, /missing\.txt|nowhere/, `${command}: ${reply.message}`);
    }
    ftp.close();
  });
});
