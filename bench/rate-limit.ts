// The bandwidth limits measured: 20 MiB at 5 MiB/s should take 4 s ± 10% (issues 15 and
// 17). The client's Limits({ rate }) downloading and uploading, and the server's account
// rate as curl sees it. One round each, on loopback, with the load printed beside the
// figures (a loaded machine only makes a limited transfer slower, never faster).
//   npx tsx bench/rate-limit.ts
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FtpPy, Limits } from '../lib/index.js';
import { createServer } from '../server/index.js';

const MiB = 1024 * 1024;
const RATE = 5 * MiB;
const dir = mkdtempSync(join(tmpdir(), 'ftppy-rate-bench-'));
const root = join(dir, 'root');
mkdirSync(root);
writeFileSync(join(root, 'big.bin'), Buffer.alloc(20 * MiB, 7));
writeFileSync(join(dir, 'big.bin'), Buffer.alloc(20 * MiB, 7));

const server = await createServer({
  port: 0,
  root,
  users: [
    { name: 'free', password: 'pw' },
    { name: 'slow', password: 'pw', rate: { download: RATE, upload: RATE } },
  ],
});
const url = `ftp://free:pw@127.0.0.1:${server.port}/`;

async function measure(what: string, work: () => Promise<unknown>): Promise<void> {
  const load = loadavg()[0]!.toFixed(2);
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const off = ((seconds / 4 - 1) * 100).toFixed(1);
  console.log(`${what}: ${seconds.toFixed(2)} s (${off}% off 4 s), load ${load}`);
}

try {
  const limited = new FtpPy(url, { limits: new Limits({ rate: RATE }) });
  await measure('client download, Limits({ rate: 5M })', () => limited.client((c) => c.download('big.bin', join(dir, 'down.bin'))));
  await measure('client upload, Limits({ rate: 5M })', () => limited.client((c) => c.upload(join(dir, 'big.bin'), 'up.bin')));
  // Not execFileSync: the server runs in this process and must keep serving.
  await measure('server account rate 5M, curl download', () =>
    promisify(execFile)('curl', ['-sS', '-u', 'slow:pw', '-o', join(dir, 'curl.bin'), `ftp://127.0.0.1:${server.port}/big.bin`]),
  );
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
