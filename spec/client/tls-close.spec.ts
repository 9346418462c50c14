// How an upload's TLS data connection ends (issue 12, item 23). pyftpdlib 1.5.7 on OpenSSL 3
// takes a FIN that comes without close_notify as a fatal TLS error; closing the connection
// then calls SSL_shutdown, which fails ("shutdown while in init"), pyftpdlib ignores that
// and tries again on every readable event: the connection stays in CLOSE-WAIT and the
// server spins at 100% of a core for ever. Every upload must end with close_notify before
// its FIN, the empty ones too (their end() comes right after the handshake).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/files.js';
import { factoryFor, peer, skipUnlessUp, uniqueName } from '../helpers/peers.js';
import { closeWaitConnections, cpuSeconds } from '../helpers/process-stats.js';

const COUNT = 200;
/**
 * The server's CPU time is watched as long before the batch as after it: the peer is
 * shared, so another client may keep it busy (or spinning) in both. A stuck connection
 * of ours adds most of a core; other light tests, a small part of it.
 */
const WATCH_MS = 3000;
const MAX_RISE = 0.3;

async function cpuOver(pid: number, ms: number): Promise<number> {
  const start = cpuSeconds(pid);
  await sleep(ms);
  return cpuSeconds(pid) - start;
}

describe('ending TLS uploads', { skip: skipUnlessUp('pyftpdlib-ftps') }, () => {
  it(`${COUNT} uploads to pyftpdlib-ftps leave no data connection in CLOSE-WAIT and the server idle`, { timeout: 60_000 }, async () => {
    const p = peer('pyftpdlib-ftps');
    assert.ok(p.pid, 'peers.json names the pid of pyftpdlib-ftps');
    const pid = p.pid;
    const local = tempDir();
    const dir = uniqueName('tls-close');
    try {
      // Half of them empty: nothing is written between the handshake and end().
      const pairs = Array.from({ length: COUNT }, (_, i) => {
        const path = join(local.dir, `f${i}.txt`);
        writeFileSync(path, i % 2 === 0 ? '' : `file ${i}\n`);
        return [path, `${p.writable_dir}/${dir}/f${i}.txt`] as const;
      });
      const before = new Set(closeWaitConnections(pid));
      const usedBefore = await cpuOver(pid, WATCH_MS);
      const results = await factoryFor(p).client(async (client) => {
        assert.ok(await client.mkdir(`${p.writable_dir}/${dir}`));
        return client.batch(pairs, { limit: 4 });
      });

      const used = await cpuOver(pid, WATCH_MS);
      const stuck = closeWaitConnections(pid).filter((c) => !before.has(c));

      const state =
        `pyftpdlib-ftps used ${used.toFixed(2)} s of CPU in the ${WATCH_MS / 1000} s after the batch (${usedBefore.toFixed(2)} s before it) ` +
        `and holds ${stuck.length} more connections in CLOSE-WAIT`;
      assert.ok(used - usedBefore < (MAX_RISE * WATCH_MS) / 1000, state);
      assert.deepEqual(stuck, [], state);
      assert.equal(Object.values(results).filter(Boolean).length, COUNT);
    } finally {
      local.remove();
      rmSync(join(p.root, p.writable_dir, dir), { recursive: true, force: true });
    }
  });
});
