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

describe('ftppy --encoding latin1 (issue 15 item 5)', { timeout: 30_000 }, () => {
  before(() => {
    mkdirSync(join(served.root, 'pub', 'latin1'));
    writeFileSync(Buffer.concat([Buffer.from(join(served.root, 'pub', 'latin1', '/')), NAME]), 'latin\n');
  });

  it('ls prints the Latin-1 name as text, and get fetches it by that name onto a UTF-8 local name', async () => {
    const r = await ftppy(['ls', '--encoding', 'latin1', served.url('pub/latin1')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['café.txt']);
    const dir = localFolder();
    const got = await ftppy(['get', '--encoding', 'latin1', served.url('pub/latin1/café.txt'), dir]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(readdirSync(dir), ['café.txt']);
    assert.equal(readFileSync(join(dir, 'café.txt'), 'utf8'), 'latin\n');
  });

  it('refuses an encoding it does not know as a usage error', async () => {
    const r = await ftppy(['ls', '--encoding', 'koi8-r', served.url('pub/latin1')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--encoding wants utf8 or latin1/);
  });
});
