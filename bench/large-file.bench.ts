// Large file (issue 8, 1): one file of FTPPY_BENCH_SIZE_MIB (1 GiB; 64 MiB quick) down
// into a discarding sink and up from memory, then down to and up from disk, through our
// client, basic-ftp, curl and Python's ftplib, against vsftpd and against our server.
// Every client and every server runs in its own process; the contenders take turns
// within each round, in an order that rotates from round to round.
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchTree } from './bench-tree.js';
import { availableClients, runClient, type ClientName } from './contender-clients.js';
import { startAvailable, type ServerName } from './contender-servers.js';
import type { LargeJob } from './jobs.js';
import { Sampler, treeMemory } from './process-tree.js';
import { command, machine, table, writeSection } from './results.js';
import { choice, rotate, setting } from './settings.js';
import { median, mib, ratio } from './stats.js';

const SIZE = setting('SIZE_MIB', 1024, 64) * 1024 * 1024;
const ROUNDS = setting('ROUNDS', 3, 3);
const CLIENTS = choice<ClientName>('CLIENTS', ['ftppy', 'basic-ftp', 'curl', 'ftplib']);
const SERVERS = choice<ServerName>('SERVERS', ['ftppy', 'vsftpd']);

type ModeId = 'down-memory' | 'down-borrowed' | 'up-memory' | 'down-disk' | 'up-disk';
const MODES: { id: ModeId; label: string }[] = [
  { id: 'down-memory', label: 'download → discarding sink' },
  { id: 'down-borrowed', label: 'download → discarding sink marked `borrowsChunks` (FtpPy only)' },
  { id: 'up-memory', label: 'upload from memory' },
  { id: 'down-disk', label: 'download → disk' },
  { id: 'up-disk', label: 'upload from disk' },
];

/** `size` bytes of one random MiB over and over: incompressible enough, quick to write. */
function writeFile(path: string, size: number): void {
  const block = randomBytes(1024 * 1024);
  const fd = openSync(path, 'w');
  try {
    for (let done = 0; done < size; done += block.length) writeSync(fd, block, 0, Math.min(block.length, size - done));
  } finally {
    closeSync(fd);
  }
}

interface Cell {
  ms: number[];
  clientRss: number[];
}

const before = machine();
const tree = benchTree('large');
const skipped: string[] = [];
const cells = new Map<string, Cell>();
const serverRss = new Map<string, number>(); // mode/server → peak RSS of the server's tree
/** The marked sink is our client's alone: the others run every mode but that one. */
const ranBy = (mode: ModeId, client: ClientName): boolean => mode !== 'down-borrowed' || client === 'ftppy';
const key = (mode: ModeId, server: ServerName, client: ClientName): string => `${mode}/${server}/${client}`;

try {
  const served = tree.serverDir('large');
  const source = join(tree.local, 'source.bin');
  console.log(`writing two files of ${mib(SIZE)} MiB in ${tree.base}…`);
  writeFile(join(served, 'big.bin'), SIZE);
  writeFile(source, SIZE);

  const servers = await startAvailable(SERVERS, tree, skipped);
  const clients = availableClients(CLIENTS, skipped);
  for (const line of skipped) console.log(`skipped: ${line}`);

  const jobFor = (mode: ModeId, server: ServerName, client: ClientName): LargeJob => {
    const upName = `/large/up-${server}-${client}.bin`;
    switch (mode) {
      case 'down-memory':
        return { kind: 'large-down', remote: '/large/big.bin', local: null, size: SIZE };
      case 'down-borrowed':
        return { kind: 'large-down', remote: '/large/big.bin', local: null, size: SIZE, borrow: true };
      case 'up-memory':
        return { kind: 'large-up', remote: upName, local: null, size: SIZE };
      case 'down-disk':
        return { kind: 'large-down', remote: '/large/big.bin', local: join(tree.local, `down-${server}-${client}.bin`), size: SIZE };
      case 'up-disk':
        return { kind: 'large-up', remote: upName, local: source, size: SIZE };
    }
  };

  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      for (const server of rotate(servers, round)) {
        for (const client of rotate(clients, round)) {
          if (!ranBy(mode.id, client)) continue;
          const job = jobFor(mode.id, server.name, client);
          const memory = new Sampler(() => treeMemory(server.pid).rss, 100);
          const run = await runClient(client, server, job).finally(() => memory.stop());
          // What arrived is checked where it landed, and removed so that the page cache holds one copy at most.
          const landed = job.kind === 'large-up' ? join(tree.root, job.remote) : job.local;
          const bytes = landed === null ? run.bytes : statSync(landed).size;
          if (landed !== null) rmSync(landed, { force: true });
          if (bytes !== SIZE) {
            throw new Error(`${client} → ${server.name} ${mode.id}: ${bytes} bytes instead of ${SIZE}`);
          }
          const cell = cells.get(key(mode.id, server.name, client)) ?? { ms: [], clientRss: [] };
          cell.ms.push(run.ms);
          cell.clientRss.push(run.maxRss);
          cells.set(key(mode.id, server.name, client), cell);
          const peak = Math.max(...memory.samples.map((s) => s.value));
          serverRss.set(`${mode.id}/${server.name}`, Math.max(serverRss.get(`${mode.id}/${server.name}`) ?? 0, peak));
          console.log(`round ${round + 1}/${ROUNDS} ${mode.id.padEnd(11)} ${server.name.padEnd(7)} ${client.padEnd(9)} ${(SIZE / 1048576 / (run.ms / 1000)).toFixed(0).padStart(5)} MiB/s  load ${loadavg()[0]!.toFixed(2)}`);
        }
      }
    }
  }

  const speed = (mode: ModeId, server: ServerName, client: ClientName): number => {
    // The marked sink's row is compared with the other clients' plain sinks, run in the same rounds.
    if (!ranBy(mode, client)) mode = 'down-memory';
    const cell = cells.get(key(mode, server, client));
    return cell ? SIZE / 1048576 / (median(cell.ms) / 1000) : Number.NaN;
  };
  const rss = (mode: ModeId, server: ServerName, client: ClientName): string => {
    const cell = cells.get(key(mode, server, client));
    return cell ? mib(Math.max(...cell.clientRss)) : '–';
  };
  const shown = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '–');
  const has = (client: ClientName): boolean => clients.includes(client);

  const clientRows = MODES.flatMap((mode) =>
    servers.map((server) => [
      mode.label,
      server.name === 'ftppy' ? 'FtpPy server' : server.name,
      ...clients.map((client) => (ranBy(mode.id, client) ? shown(speed(mode.id, server.name, client)) : '–')),
      has('curl') ? `**${ratio(speed(mode.id, server.name, 'ftppy'), speed(mode.id, server.name, 'curl'))}**` : '–',
      has('basic-ftp') ? `**${ratio(speed(mode.id, server.name, 'ftppy'), speed(mode.id, server.name, 'basic-ftp'))}**` : '–',
      clients.map((client) => rss(mode.id, server.name, client)).join(' / '),
    ]),
  );
  const clientTable = table(
    ['transfer', 'server', ...clients.map((c) => `${c === 'ftppy' ? 'FtpPy client' : c} MiB/s`), 'FtpPy ÷ curl', 'FtpPy ÷ basic-ftp', `client peak RSS MiB (${clients.join(' / ')})`],
    clientRows,
  );
  const serverNames = servers.map((s) => s.name);
  const serverTable = serverNames.includes('ftppy') && serverNames.includes('vsftpd')
    ? table(
      ['transfer', ...clients.map((c) => `${c === 'ftppy' ? 'FtpPy client' : c}: FtpPy server ÷ vsftpd`), 'server peak RSS MiB (FtpPy / vsftpd)'],
      MODES.map((mode) => [
        mode.label,
        ...clients.map((client) => !ranBy(mode.id, client) ? '–' : `${ratio(speed(mode.id, 'ftppy', client), speed(mode.id, 'vsftpd', client))} (${shown(speed(mode.id, 'ftppy', client))} / ${shown(speed(mode.id, 'vsftpd', client))})`),
        `${mib(serverRss.get(`${mode.id}/ftppy`) ?? Number.NaN)} / ${mib(serverRss.get(`${mode.id}/vsftpd`) ?? Number.NaN)}`,
      ]),
    )
    : '(needs both servers)';
  console.log(`\n${clientTable}\n\n${serverTable}\n`);

  writeSection(
    'large-file',
    `## Large file: ${mib(SIZE)} MiB down and up (issue 8, 1)

\`${command('large-file')}\`, ${ROUNDS} rounds, medians; ${before}, load ${loadavg()[0]!.toFixed(2)} at the end.

Throughput of each client against each server (MiB/s, the median of the rounds) and the ratio of ours to curl and to basic-ftp:

${clientTable}

Our server against vsftpd, client by client (ratio of the two servers' throughput, MiB/s in brackets):

${serverTable}
${skipped.length ? `\nSkipped: ${skipped.join('; ')}.\n` : ''}
Every client and server runs in a process of its own on loopback; the contenders take turns
within each round, the order rotating from round to round. Times run from before connecting
to the end of the transfer (curl: its \`time_total\`). "Discarding sink": a Writable that
drops what it gets (ours, basic-ftp), \`-o /dev/null\` (curl), a callback that counts
(ftplib, 64 KiB blocks); marked \`borrowsChunks\`, ours is lent the data connection's
read buffers instead of a buffer of its own per read, and its ratios are to the other
clients' plain sinks in the same rounds. "From memory": one 1 MiB buffer sent over and over (ours,
basic-ftp), \`head -c N /dev/zero |\` into \`curl -T -\`, a file-like object over one 64 KiB
block (ftplib). "Disk" goes through the page cache: the source files are written just
before and fit in memory; what lands is removed after each transfer. Servers: our
server and vsftpd (the binary \`shared/peers/start\` installs, run with this benchmark's
configuration: no logging) over the same folder. Peak RSS: GNU time's maximum resident
set for clients, the server's process tree sampled every 100 ms.`,
  );
  console.log('written to bench/RESULTS.md');
} finally {
  await tree.dispose();
}
