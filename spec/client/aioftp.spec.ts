// The client against aioftp's server (Debian: python3-aioftp), which has neither FEAT nor
// SIZE, so MLST is never offered: `exists` and `replace: false` must learn from the
// parent's listing, and never overwrite a file that is there.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, type Client } from '../../lib/index.js';
import { skipOutsideCi } from '../helpers/ci.js';
import { tempDir } from '../helpers/files.js';

/** A Python that imports aioftp: the Debian package installs it for /usr/bin/python3. */
function aioftpPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import aioftp'], { stdio: 'ignore' });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

const SERVE = `
import asyncio, pathlib, sys, aioftp
async def main():
    user = aioftp.User('u', 'p', base_path=pathlib.Path(sys.argv[1]),
                       permissions=[aioftp.Permission('/', readable=True, writable=True)])
    server = aioftp.Server([user])
    await server.start('127.0.0.1', 0)
    print(server.address[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
`;

const python = aioftpPython();
// CI installs python3-aioftp: there a missing module is a failure, not a skip.
const skip = skipOutsideCi(python === null ? 'python3-aioftp is not installed' : false);

describe('aioftp: a server without SIZE or MLST', { skip, timeout: 30_000 }, () => {
  const folder = tempDir('ftppy-aioftp-');
  const source = join(folder.dir, 'new.txt');
  const root = join(folder.dir, 'root');
  let child: ChildProcess;
  let port = 0;

  before(async () => {
    mkdirSync(join(root, 'd'), { recursive: true });
    writeFileSync(join(root, 'd', 'old.txt'), 'old content\n');
    writeFileSync(join(root, 'd', 'source.txt'), 'copied\n');
    writeFileSync(source, 'NEW CONTENT\n');
    child = spawn(python ?? 'python3', ['-c', SERVE, root], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [first] = (await once(child.stdout!, 'data')) as [Buffer];
    port = Number(first.toString().trim());
    assert.ok(port > 0, `aioftp said ${first.toString()}`);
  });
  after(() => {
    child?.kill();
    folder.remove();
  });

  function client<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const ftp = new FtpPy(`ftp://127.0.0.1:${port}`, { auth: new Basic('u', 'p'), retry: { total: 0 }, limits: { connections: 2 } });
    return ftp.client(use);
  }

  it('exists finds a file in its folder and not one that is missing', async () => {
    await client(async (c) => {
      assert.equal(await c.exists('/d/old.txt'), true);
      assert.equal(await c.exists('/d'), true);
      assert.equal(await c.exists('/d/absent.txt'), false);
    });
  });

  it('upload and copy with replace: false leave the file alone; a new one still goes up', async () => {
    await client(async (c) => {
      assert.equal(await c.upload(source, '/d/old.txt', { replace: false }), true);
      assert.equal(await c.copy('/d/source.txt', '/d/old.txt', { replace: false }), true);
      assert.equal(await c.upload(source, '/d/fresh.txt', { replace: false }), true);
    });
    assert.equal(readFileSync(join(root, 'd', 'old.txt'), 'utf8'), 'old content\n');
    assert.equal(readFileSync(join(root, 'd', 'fresh.txt'), 'utf8'), 'NEW CONTENT\n');
  });
});
