// Segmented download (issue 15, item 2): one file through the spec's fault proxy, which
// holds each data connection to a rate of its own (a server or middlebox that throttles
// per connection), read on one connection and then in 4 segments. Our server, the proxy
// and the client share this process: at a few MB/s that costs little CPU.
//
//   node --import tsx bench/segments.ts
//   FTPPY_BENCH_SIZE_MIB=24 FTPPY_BENCH_RATE_MIB=3 FTPPY_BENCH_SEGMENTS=4 node --import tsx bench/segments.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Basic, FtpPy } from '../lib/index.js';
import { createServer } from '../server/index.js';
import { pseudoRandom, tempDir } from '../spec/helpers/files.js';
import { FtpProxy } from '../spec/helpers/proxy.js';
import { machine, table, writeSection } from './results.js';
import { setting } from './settings.js';

const MIB = 1024 * 1024;
const size = setting('FTPPY_BENCH_SIZE_MIB', 12, 12) * MIB;
const rate = setting('FTPPY_BENCH_RATE_MIB', 3, 3) * MIB;
const segments = setting('FTPPY_BENCH_SEGMENTS', 4, 4);

const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');
const folder = tempDir('ftppy-bench-segments-');
const data = pseudoRandom(size, 5);
writeFileSync(join(folder.dir, 'big.bin'), data);
const server = await createServer({ host: '127.0.0.1', port: 0, root: folder.dir, users: [{ name: 'bench', password: 'bench' }] });
const proxy = await FtpProxy.start({ host: '127.0.0.1', port: server.port }, { rate });
const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic('bench', 'bench'), limits: { connections: segments } });

const loadBefore = load();
console.log(`load average at the start: ${loadBefore}`);
const seconds: Record<number, number> = {};
try {
  await ftp.client(async (client) => {
    for (const n of [1, segments]) {
      const target = join(folder.dir, `got-${n}.bin`);
      const started = performance.now();
      if (!(await client.download('/big.bin', target, { segments: n, resume: false }))) throw new Error(`the download with ${n} segment(s) failed`);
      seconds[n] = (performance.now() - started) / 1000;
      if (!readFileSync(target).equals(data)) throw new Error(`the download with ${n} segment(s) is not the file`);
      console.log(`${n} segment(s): ${seconds[n]!.toFixed(2)} s (${(size / MIB / seconds[n]!).toFixed(2)} MiB/s)`);
    }
  });
} finally {
  await proxy.close();
  await server.close();
  folder.remove();
}
const ratio = seconds[1]! / seconds[segments]!;
const loadAfter = load();
console.log(`${segments} segments ÷ 1 connection (speed): ${ratio.toFixed(2)}×; load average at the end: ${loadAfter}`);

writeSection('segments', `## Segmented download behind a per-connection rate limit (issue 15)

\`node --import tsx bench/segments.ts\`, one run; ${machine()}; load average (1, 5, 15 min) ${loadBefore} at the start, ${loadAfter} at the end.

${table(['file', 'rate per data connection', '1 connection', `${segments} segments`, `${segments} segments ÷ 1 (speed)`], [[
  `${size / MIB} MiB`, `${rate / MIB} MiB/s`, `${seconds[1]!.toFixed(2)} s`, `${seconds[segments]!.toFixed(2)} s`, `**${ratio.toFixed(2)}×**`,
]])}

Our server, the spec's fault proxy (\`spec/helpers/proxy.ts\`, \`rate\`: each data
connection paused for as long as each chunk takes at the rate) and the client in one
process on 127.0.0.1; \`download('/big.bin', target, { segments: ${segments} })\` against the
same call with one segment. Each segment's connection logs in and opens its own data
connection, which is what keeps the ratio under ${segments}×.`);
