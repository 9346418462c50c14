// Many small files (issue 8, 2): FTPPY_BENCH_FILES files of 4 KiB (2,000; 200 quick) down
// and up, through our client's fetch/batch with limit 10, basic-ftp on its one
// connection (one file after the other, as it offers) and `lftp mirror -P 10`, against
// vsftpd and against our server. Each client and server runs in its own process; the
// contenders take turns within each round, in an order that rotates from round to round.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchTree } from './bench-tree.js';
import { availableClients, runClient, type ClientName } from './contender-clients.js';
import { startAvailable, type ServerName } from './contender-servers.js';
import { fileName, type ManyJob } from './jobs.js';
import { command, machine, table, writeSection } from './results.js';
import { choice, rotate, setting } from './settings.js';
import { median, mib, ratio } from './stats.js';

const FILES = setting('FILES', 2000, 200);
const FILE_SIZE = 4096;
const ROUNDS = setting('ROUNDS', 3, 3);
const CLIENTS = choice<ClientName>('CLIENTS', ['ftppy', 'basic-ftp', 'lftp']);
const SERVERS = choice<ServerName>('SERVERS', ['ftppy', 'vsftpd']);
const DIRECTIONS = [
  { id: 'many-down', label: `download ${FILES} × 4 KiB` },
  { id: 'many-up', label: `upload ${FILES} × 4 KiB` },
] as const;
type Direction = (typeof DIRECTIONS)[number]['id'];

function fill(dir: string): void {
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, fileName(i)), randomBytes(FILE_SIZE));
}

/** Throws unless `dir` holds every file, whole (lftp may add nothing else: it mirrors a folder of exactly these). */
function check(dir: string, what: string): void {
  const names = readdirSync(dir).filter((name) => !name.startsWith('.'));
  const whole = names.filter((name) => statSync(join(dir, name)).size === FILE_SIZE).length;
  if (names.length !== FILES || whole !== FILES) throw new Error(`${what}: ${whole} whole files of ${names.length} in ${dir}, ${FILES} expected`);
}

const before = machine();
const tree = benchTree('small');
const skipped: string[] = [];
const times = new Map<string, { ms: number[]; rss: number[] }>();
const key = (direction: Direction, server: ServerName, client: ClientName): string => `${direction}/${server}/${client}`;

try {
  console.log(`writing ${FILES} files of 4 KiB twice in ${tree.base}…`);
  fill(tree.serverDir('small/down'));
  const sources = join(tree.local, 'sources');
  mkdirSync(sources);
  fill(sources);

  const servers = await startAvailable(SERVERS, tree, skipped);
  const clients = availableClients(CLIENTS, skipped);
  for (const line of skipped) console.log(`skipped: ${line}`);

  for (let round = 0; round < ROUNDS; round++) {
    for (const direction of DIRECTIONS) {
      for (const server of rotate(servers, round)) {
        for (const client of rotate(clients, round)) {
          const name = `${server.name}-${client}-${round}`;
          let job: ManyJob;
          let landed: string;
          if (direction.id === 'many-down') {
            landed = join(tree.local, `down-${name}`);
            mkdirSync(landed);
            job = { kind: 'many-down', remoteDir: '/small/down', localDir: landed, count: FILES };
          } else {
            landed = tree.serverDir(`small/up-${name}`);
            job = { kind: 'many-up', remoteDir: `/small/up-${name}`, localDir: sources, count: FILES };
          }
          const run = await runClient(client, server, job);
          check(landed, `${client} → ${server.name} ${direction.id}`);
          rmSync(landed, { recursive: true, force: true });
          const cell = times.get(key(direction.id, server.name, client)) ?? { ms: [], rss: [] };
          cell.ms.push(run.ms);
          cell.rss.push(run.maxRss);
          times.set(key(direction.id, server.name, client), cell);
          console.log(`round ${round + 1}/${ROUNDS} ${direction.id.padEnd(9)} ${server.name.padEnd(7)} ${client.padEnd(9)} ${(run.ms / 1000).toFixed(2).padStart(6)} s  ${(FILES / (run.ms / 1000)).toFixed(0).padStart(5)} files/s  load ${loadavg()[0]!.toFixed(2)}`);
        }
      }
    }
  }

  const rate = (direction: Direction, server: ServerName, client: ClientName): number => {
    const cell = times.get(key(direction, server, client));
    return cell ? FILES / (median(cell.ms) / 1000) : Number.NaN;
  };
  const shown = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '–');
  const has = (client: ClientName): boolean => clients.includes(client);
  const rows = DIRECTIONS.flatMap((direction) =>
    servers.map((server) => [
      direction.label,
      server.name === 'ftppy' ? 'FtpPy server' : server.name,
      ...clients.map((client) => shown(rate(direction.id, server.name, client))),
      has('lftp') ? `**${ratio(rate(direction.id, server.name, 'ftppy'), rate(direction.id, server.name, 'lftp'))}**` : '–',
      has('basic-ftp') ? `**${ratio(rate(direction.id, server.name, 'ftppy'), rate(direction.id, server.name, 'basic-ftp'))}**` : '–',
      clients.map((client) => mib(Math.max(...(times.get(key(direction.id, server.name, client))?.rss ?? [Number.NaN])))).join(' / '),
    ]),
  );
  const label = (client: ClientName): string => (client === 'ftppy' ? 'FtpPy fetch/batch, limit 10' : client === 'lftp' ? 'lftp mirror -P 10' : 'basic-ftp, one connection');
  const result = table(
    ['transfer', 'server', ...clients.map((c) => `${label(c)} files/s`), 'FtpPy ÷ lftp', 'FtpPy ÷ basic-ftp', `client peak RSS MiB (${clients.join(' / ')})`],
    rows,
  );
  console.log(`\n${result}\n`);
  writeSection(
    'small-files',
    `## Many small files: ${FILES} × 4 KiB down and up (issue 8, 2)

\`${command('small-files')}\`, ${ROUNDS} rounds, medians; ${before}, load ${loadavg()[0]!.toFixed(2)} at the end.

Files per second of each client against each server, and the ratio of ours to lftp and to basic-ftp:

${result}
${skipped.length ? `\nSkipped: ${skipped.join('; ')}.\n` : ''}
Every client and server runs in a process of its own on loopback. Our client: one
\`fetch\`/\`batch\` of ${FILES} pairs with \`limit: 10\` and the default \`Limits\`
(10 connections). basic-ftp: \`downloadTo\`/\`uploadFrom\` file after file on its one
connection. lftp: \`mirror -P 10\` (\`-R\` up), its defaults otherwise (it lists the
folder first, and sets modes after uploading). Times run from before connecting to after
closing (lftp: its whole process). Downloads go to a fresh local folder, uploads to a
fresh remote one; what arrived is checked (${FILES} files of 4 KiB) and removed.`,
  );
  console.log('written to bench/RESULTS.md');
} finally {
  await tree.dispose();
}
