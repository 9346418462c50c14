// rclone (Go's FTP and TLS stacks) against our server at its default parallelism (4
// transfers, 8 checkers): a tree up, `rclone check`, the tree down, compared byte for
// byte. Over explicit FTPS Go shares one TLS session cache among its connections, so a
// data connection often resumes the TLS session of another control connection of the
// same client (the server accepts that for the same user); and a Go client never reads
// the session tickets a full TLS 1.3 handshake sends, so its data connection ends in a
// reset that cut uploads short (at 98,304 bytes) while the server answered 226.
// Needs the Debian package rclone.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { ServerOptions } from '../../server/index.js';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const skip = skipUnless('rclone');
const RCLONE_MS = 120_000;

/** 40 files over three folders, from empty to 1.5 MiB: every fourth one over 1 MiB. */
function writeTree(root: string): void {
  for (let i = 0; i < 40; i++) {
    const dir = join(root, ['', 'a', 'a/b'][i % 3]!);
    mkdirSync(dir, { recursive: true });
    const size = i % 4 === 0 ? 1024 * 1024 + i * 12_345 : i * 7_919;
    writeFileSync(join(dir, `file-${i}.bin`), pseudoRandom(size, i + 1));
  }
}

function files(root: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return found;
}

function assertSameFiles(actual: Map<string, Buffer>, expected: Map<string, Buffer>, what: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${what}: the same names`);
  for (const [name, data] of expected) {
    const got = actual.get(name)!;
    assert.ok(got.equals(data), `${what}: ${name} is ${got.length} bytes, expected ${data.length}`);
  }
}

async function rclone(args: string[], config: string): Promise<string> {
  const r = await run('rclone', [...args, '--config', config, '--retries', '1', '--low-level-retries', '1'], { timeoutMs: RCLONE_MS });
  return expectSuccess(r, `rclone ${args[0]}`);
}

async function roundTrip(options: ServerOptions, remoteOptions: string): Promise<void> {
  await using t = await startServer(options);
  const local = tempDir('ftppy-rclone-');
  try {
    const config = join(local.dir, 'rclone.conf'); // never written: no config file is read
    const up = join(local.dir, 'up');
    const down = join(local.dir, 'down');
    writeTree(up);
    const pass = (await rclone(['obscure', PASSWORD], config)).trim();
    const remote = `:ftp,host=127.0.0.1,port=${t.port},user=${USER},pass=${pass}${remoteOptions}:/upload/tree`;
    await rclone(['copy', up, remote], config);
    assertSameFiles(files(join(t.root, 'upload/tree')), files(up), 'on the server');
    await rclone(['check', up, remote], config);
    await rclone(['copy', remote, down], config);
    assertSameFiles(files(down), files(up), 'downloaded');
  } finally {
    local.remove();
  }
}

describe('rclone', { skip }, () => {
  const material = tlsMaterial();
  const tls = { cert: material.cert, key: material.key };
  const ftps = ',explicit_tls=true,no_check_certificate=true';

  it('explicit FTPS with TLS session reuse required (the default): copy up, check, copy down', { timeout: 3 * RCLONE_MS }, async () => {
    await roundTrip({ tls }, ftps);
  });

  it('explicit FTPS with reuse not required: copy up, check, copy down', { timeout: 3 * RCLONE_MS }, async () => {
    await roundTrip({ tls: { ...tls, reuse: false } }, ftps);
  });

  it('plain FTP: copy up, check, copy down', { timeout: 3 * RCLONE_MS }, async () => {
    await roundTrip({}, '');
  });
});
