// Login storm (issue 14): CLIENTS (190) raw connections opened at once, each logs in
// (USER, PASS) and quits, against our server, pyftpdlib and a bare Node server (the floor; vsftpd when asked), each in its own
// process, started once for the whole run. The client is bench/login-storm.py (Python
// asyncio, raw sockets) in a process of its own per round; contenders alternate, in an
// order that rotates from round to round; medians of the rounds.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchTree } from './bench-tree.js';
import { startAvailable, type ContenderServer, type ServerName } from './contender-servers.js';
import { runMeasured } from './measured-process.js';
import { treeCpuSeconds, treeMemory } from './process-tree.js';
import { command, machine, table, writeSection } from './results.js';
import { choice, quick, rotate, setting } from './settings.js';
import { median, mib } from './stats.js';

const ROUNDS = setting('ROUNDS', 15, 7);
const CLIENTS = setting('CLIENTS', 190, 190);
// vsftpd only when asked (FTPPY_BENCH_SERVERS=ftppy,pyftpdlib,vsftpd): 60-120 of its 190 logins time out (30 s) in every storm here.
// node-floor is not an FTP server: Node answering the four lines, the least a Node server can cost (node-floor-server.child.ts).
const SERVERS = choice<ServerName>('SERVERS', ['ftppy', 'pyftpdlib', 'node-floor', 'vsftpd']).filter((name) => name !== 'vsftpd' || process.env.FTPPY_BENCH_SERVERS);
const PYTHON = '/usr/bin/python3';
const CLIENT = join(import.meta.dirname, 'login-storm.py');

interface Storm {
  seconds: number;
  failures: number;
  samples: string[];
}

const before = machine();
const tree = benchTree('storm');
const skipped: string[] = [];
const times = new Map<ServerName, number[]>();
const failures = new Map<ServerName, number>();
const peakRss = new Map<ServerName, number>();
// The server's CPU (its process tree, user + system) per login of each storm, ms.
const cpuPerLogin = new Map<ServerName, number[]>();

const storm = async (server: ContenderServer): Promise<Storm> => {
  const run = await runMeasured(PYTHON, [CLIENT, server.host, String(server.port), server.user, server.password, String(CLIENTS)], { timeoutMs: 120_000 });
  if (run.code !== 0) throw new Error(`login storm against ${server.name} failed (exit ${run.code}): ${run.stderr.slice(-800)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Storm;
};

try {
  if (spawnSync(PYTHON, ['-c', 'import asyncio'], { stdio: 'ignore' }).status !== 0) throw new Error(`${PYTHON} is needed for the login storm's client`);
  const servers = await startAvailable(SERVERS, tree, skipped);
  for (const line of skipped) console.log(`skipped: ${line}`);
  // one storm each first, unmeasured: the Node server's code gets compiled
  for (const server of servers) await storm(server);
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of rotate(servers, round)) {
      const cpuBefore = treeCpuSeconds(server.pid);
      const result = await storm(server);
      cpuPerLogin.set(server.name, [...(cpuPerLogin.get(server.name) ?? []), ((treeCpuSeconds(server.pid) - cpuBefore) * 1000) / CLIENTS]);
      times.set(server.name, [...(times.get(server.name) ?? []), result.seconds]);
      failures.set(server.name, (failures.get(server.name) ?? 0) + result.failures);
      peakRss.set(server.name, Math.max(peakRss.get(server.name) ?? 0, treeMemory(server.pid).rss));
      console.log(`round ${round + 1}/${ROUNDS} ${server.name.padEnd(9)} ${(result.seconds * 1000).toFixed(1).padStart(7)} ms  failures ${result.failures}${result.failures ? ` (${result.samples.join(' | ')})` : ''}  load ${loadavg()[0]!.toFixed(2)}`);
    }
  }
  const ours = median(times.get('ftppy') ?? []);
  const label = (name: ServerName): string => (name === 'ftppy' ? 'FtpPy server' : name === 'node-floor' ? 'bare Node (the floor; not FTP)' : name);
  const rows = servers.map((server) => {
    const list = times.get(server.name) ?? [];
    const sorted = [...list].sort((a, b) => a - b);
    const theirs = median(list);
    return [
      label(server.name),
      (theirs * 1000).toFixed(1),
      `${(sorted[0]! * 1000).toFixed(1)}–${(sorted.at(-1)! * 1000).toFixed(1)}`,
      server.name === 'ftppy' || !Number.isFinite(ours) ? '' : `**${(theirs / ours).toFixed(2)}×**`,
      median(cpuPerLogin.get(server.name) ?? []).toFixed(2),
      String(failures.get(server.name) ?? 0),
      mib(peakRss.get(server.name) ?? Number.NaN),
    ];
  });
  const result = table(['server', 'median ms', 'range ms', 'FtpPy speed ÷ this (its time ÷ ours)', 'server CPU ms per login', 'failures', 'RSS MiB after a storm (peak)'], rows);
  console.log(`\n${result}\n`);
  writeSection(
    'login-storm',
    `## Login storm: ${CLIENTS} clients connect, log in and quit at once (issue 14)

\`${command('login-storm')}\`, ${ROUNDS} rounds, medians${quick ? ' (quick)' : ''}; ${before}, load ${loadavg()[0]!.toFixed(2)} at the end.

${result}

The client (\`bench/login-storm.py\`, Python asyncio, raw sockets, a process of its own per
storm) opens ${CLIENTS} connections at once; each reads the 220, sends USER and PASS, then
QUIT, and waits for 331, 230 and 221. The time runs from the first connect to the last
221. The servers (configured as for \`server-load\`) run for the whole benchmark and take
turns, in an order that rotates each round, after one unmeasured storm each. CPU is the
server's process tree's (user + system) over the storm, divided by its logins, whose
ticks of 10 ms make it ±0.05 ms. "bare Node" is no FTP server: \`net.createServer\`
answering the four lines and nothing else (\`bench/node-floor-server.child.ts\`), what
any FTP server on Node pays per login before doing anything.`,
  );
} finally {
  await tree.dispose();
}
