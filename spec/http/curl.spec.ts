// The seed's three curl lines ("Web Interface API"), verbatim but for the port, run by
// a shell against a server on `localhost` whose anonymous users may write and delete
// (the lines carry no credentials), plus the same with -u for a server that needs them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';
import { ALICE, startWeb, type WebFixture } from './support/web.js';

const skip = skipUnless('curl');
const local = tempDir('ftppy-web-curl-');
after(() => local.remove());

const SEED = [
  'curl -X GET http://localhost:2122/files/data.txt',
  'curl -X POST -F "file=@local.txt" http://localhost:2122/files/remote.txt',
  'curl -X DELETE http://localhost:2122/files/old.txt',
];

async function shell(line: string): Promise<string> {
  return expectSuccess(await run('sh', ['-c', line], { cwd: local.dir, timeoutMs: 20_000 }), line);
}

describe("the seed's curl lines", { skip }, () => {
  let w: WebFixture;
  let lines: string[];
  before(async () => {
    w = await startWeb({}, { host: 'localhost', anonymous: { rights: { read: true, write: true, delete: true } } });
    lines = SEED.map((line) => line.replace(':2122/', `:${w.port}/`));
    writeFileSync(join(w.root, 'data.txt'), 'data from the server\n');
    writeFileSync(join(w.root, 'old.txt'), 'old\n');
    writeFileSync(join(local.dir, 'local.txt'), 'local content\n');
  });
  after(() => w.close());

  it('listens on every address localhost names', () => {
    assert.ok(w.web.addresses.length >= 1);
    assert.ok(w.web.addresses.every((a) => a.port === w.port));
  });

  it(SEED[0]!, async () => {
    assert.equal(await shell(lines[0]!), 'data from the server\n');
  });

  it(SEED[1]!, async () => {
    const out = JSON.parse(await shell(lines[1]!)) as { files: { path: string; size: number }[] };
    assert.deepEqual(out.files.map((f) => [f.path, f.size]), [['/remote.txt', 14]]);
    assert.equal(readFileSync(join(w.root, 'remote.txt'), 'utf8'), 'local content\n');
  });

  it(SEED[2]!, async () => {
    assert.equal(await shell(lines[2]!), '');
    assert.equal(existsSync(join(w.root, 'old.txt')), false);
  });
});

describe('curl with credentials, ranges, revalidation and errors', { skip }, () => {
  let w: WebFixture;
  let url: string;
  before(async () => {
    w = await startWeb({ limits: { bodyBytes: 1024 * 1024 } }, { anonymous: false });
    url = `http://127.0.0.1:${w.port}`;
  });
  after(() => w.close());

  const curl = async (...args: string[]): Promise<string> => expectSuccess(await run('curl', ['-sS', '--max-time', '20', ...args]), `curl ${args.join(' ')}`);

  it('uploads with -u, -F and -T (PUT), creating folders', async () => {
    writeFileSync(join(local.dir, 'up.txt'), 'uploaded\n');
    await curl('-u', ALICE, '-F', `file=@${join(local.dir, 'up.txt')}`, `${url}/files/upload/new/deep/up.txt?dirs=1`);
    assert.equal(readFileSync(join(w.root, 'upload/new/deep/up.txt'), 'utf8'), 'uploaded\n');
    await curl('-u', ALICE, '-T', join(local.dir, 'up.txt'), `${url}/files/upload/put.txt`);
    assert.equal(readFileSync(join(w.root, 'upload/put.txt'), 'utf8'), 'uploaded\n');
  });

  it('resumes a download with -C - and revalidates with -z', async () => {
    const out = join(local.dir, 'hello.txt');
    writeFileSync(out, 'hello');
    await curl('-u', ALICE, '-C', '-', '-o', out, `${url}/files/pub/hello.txt`);
    assert.equal(readFileSync(out, 'utf8'), 'hello world\n');
    const code = await curl('-u', ALICE, '-z', out, '-o', '/dev/null', '-w', '%{http_code}', `${url}/files/pub/hello.txt`);
    assert.equal(code, '304');
  });

  it('sees 401, then 413 before sending a body too large (Expect: 100-continue)', async () => {
    assert.equal(await curl('-o', '/dev/null', '-w', '%{http_code}', `${url}/files/pub/hello.txt`), '401');
    const big = join(local.dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024));
    const code = await curl('-u', ALICE, '-o', '/dev/null', '-w', '%{http_code}', '-T', big, `${url}/files/upload/big.bin`);
    assert.equal(code, '413');
    assert.equal(existsSync(join(w.root, 'upload/big.bin')), false);
  });
});
