// `ftppy` and names that are not UTF-8 (a Latin-1 é, byte 0xE9, on the server's disk):
// printed so that a person sees which byte it is (`\xE9`), and reachable from a URL that
// percent-encodes the byte (`caf%E9.txt`, as curl takes it).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ftppy, lines, localFolder, specServer } from './support/cli.js';

const served = specServer();
const NAME = Buffer.concat([Buffer.from('caf'), Buffer.of(0xe9), Buffer.from('.txt')]);

describe('ftppy and names that are not UTF-8', { timeout: 30_000 }, () => {
  before(() => {
    mkdirSync(join(served.root, 'pub', 'raw'));
    writeFileSync(Buffer.concat([Buffer.from(join(served.root, 'pub', 'raw', '/')), NAME]), 'latin\n');
  });

  it('ls prints the byte as \\xE9, warnings too', async () => {
    const r = await ftppy(['ls', served.url('pub/raw')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['caf\\xE9.txt']);
    const missing = await ftppy(['stat', served.url('pub/raw/nope%E9')]);
    assert.match(missing.stderr, /nope\\xE9/);
    assert.doesNotMatch(missing.stderr, /\uFFFD/u);
  });

  it('get takes the name percent-encoded and writes it under its bytes', async () => {
    const dir = localFolder();
    const r = await ftppy(['get', served.url('pub/raw/caf%E9.txt'), dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir, { encoding: 'buffer' }).map((n) => n.toString('hex')), [NAME.toString('hex')]);
    assert.equal(readFileSync(Buffer.concat([Buffer.from(`${dir}/`), NAME]), 'utf8'), 'latin\n');
  });
});
