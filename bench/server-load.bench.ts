// Server under load (issue 8, 3): the load generator (load-generator.child.ts, raw sockets,
// its own process) runs 10, 50 and 200 concurrent sessions (FTPPY_BENCH_SESSIONS) doing a
// mix of small RETR/STOR and LIST for FTPPY_BENCH_SECONDS (20; 10 quick) against our
// server, vsftpd, pyftpdlib and ftp-srv, each in its own process tree, all started once
// and kept for the whole run so that their memory over the run can be seen. Servers take
// turns at each level, in an order that rotates from round to round.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchTree } from './bench-tree.js';
import { childScript } from './build-children.js';
import { startAvailable, type ContenderServer, type ServerName } from './contender-servers.js';
import { fileName } from './jobs.js';
import type { LoadPlan, LoadReport } from './load-generator.child.js';
import { runMeasured } from './measured-process.js';
import { Sampler, treeCpuSeconds, treeMemory, type TreeMemory } from './process-tree.js';
import { command, machine, table, writeSection } from './results.js';
import { choice, quick, rotate, setting } from './settings.js';
import { median, mib, ratio } from './stats.js';

const SECONDS = setting('SECONDS', 20, 10);
const ROUNDS = setting('ROUNDS', 3, 2);
const FILES = 100;
const LEVELS = (process.env.FTPPY_BENCH_SESSIONS ?? '10,50,200').split(',').map(Number);
const SERVERS = choice<ServerName>('SERVERS', ['ftppy', 'vsftpd', 'pyftpdlib', 'ftp-srv']);
// FTPPY_BENCH_ONLY=RETR, STOR or LIST: that operation alone, to see which one a server
// pays for; written to a section of its own (server-load-retr…), not over the mix's.
const ONLY = choice<'RETR' | 'STOR' | 'LIST'>('ONLY', ['RETR', 'STOR', 'LIST']);
const only = process.env.FTPPY_BENCH_ONLY ? ONLY[0]! : null;
if (only && ONLY.length > 1) throw new RangeError('FTPPY_BENCH_ONLY takes one of RETR, STOR, LIST');
const MIX = only === null ? undefined : { RETR: only === 'RETR' ? 1 : 0, STOR: only === 'STOR' ? 1 : 0 };

interface Run {
  report: LoadReport;
  /** The server's CPU time (user + system, its whole tree) per completed transfer, ms. */
  cpuPerTransfer: number;
  /** The server's memory at the start of the window, at its end, and its peak. */
  memory: { start: TreeMemory; end: TreeMemory; peakRss: number; peakPss: number };
}

const before = machine();
const tree = benchTree('load');
const skipped: string[] = [];
const runs = new Map<string, Run[]>();
// Each server's RSS: when it started, after the warm-up, at the end of each window, after the last run.
const memoryLog = new Map<ServerName, { cold: number; warm: number; windows: number[]; last: number }>();
const WARM_UP_SECONDS = 3;

try {
  const files = tree.serverDir('load/files');
  for (let i = 0; i < FILES; i++) writeFileSync(join(files, fileName(i)), randomBytes(4096));
  // each server its own upload folder: vsftpd's anonymous user may not overwrite what root-run servers stored
  for (const name of SERVERS) tree.serverDir(`load/up-${name}`);

  const servers = await startAvailable(SERVERS, tree, skipped);
  for (const line of skipped) console.log(`skipped: ${line}`);
  const generator = await childScript('load-generator.child.ts');
  const generate = (server: ContenderServer, sessions: number, seconds: number): Promise<LoadReport> => {
    const plan: LoadPlan = {
      host: server.host, port: server.port, user: server.user, password: server.password,
      sessions, seconds, filesDir: '/load/files', files: FILES, uploadDir: `/load/up-${server.name}`,
      ...(MIX ? { mix: MIX } : {}),
    };
    return runMeasured(process.execPath, [generator, JSON.stringify(plan)], { timeoutMs: (seconds + 120) * 1000 }).then((run) => {
      if (run.code !== 0) throw new Error(`load generator against ${server.name} failed (exit ${run.code}): ${run.stderr.slice(-800)}`);
      return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as LoadReport;
    });
  };
  // A few seconds of load first, unmeasured, so that the Node servers' code is compiled
  // (the C and Python servers have nothing to warm) before anything counts.
  for (const server of servers) {
    const cold = treeMemory(server.pid).rss;
    await generate(server, 10, WARM_UP_SECONDS);
    memoryLog.set(server.name, { cold, warm: treeMemory(server.pid).rss, windows: [], last: Number.NaN });
  }

  for (let round = 0; round < ROUNDS; round++) {
    for (const sessions of LEVELS) {
      for (const server of rotate(servers, round)) {
        const memory = new Sampler(() => ({ ...treeMemory(server.pid), cpu: treeCpuSeconds(server.pid) }), 250);
        const report = await generate(server, sessions, SECONDS).finally(() => memory.stop());
        // The samples taken while the window was open (the sampler started as the generator was spawned).
        const samples = memory.samples.filter((s) => s.at >= report.windowStart && s.at <= report.windowStart + SECONDS * 1000);
        const values = samples.map((s) => s.value).filter((v) => Number.isFinite(v.rss));
        const total = report.transfers.RETR + report.transfers.STOR + report.transfers.LIST;
        const span = (samples.at(-1)!.at - samples[0]!.at) / 1000;
        const result: Run = {
          report,
          cpuPerTransfer: ((values.at(-1)!.cpu - values[0]!.cpu) * 1000) / (total * (span / SECONDS)),
          memory: {
            start: values[0]!, end: values.at(-1)!,
            peakRss: Math.max(...values.map((v) => v.rss)), peakPss: Math.max(...values.map((v) => v.pss)),
          },
        };
        const key = `${sessions}/${server.name}`;
        runs.set(key, [...(runs.get(key) ?? []), result]);
        const log = memoryLog.get(server.name)!;
        log.windows.push(result.memory.end.rss);
        log.last = treeMemory(server.pid).rss;
        console.log(
          `round ${round + 1}/${ROUNDS} ${String(sessions).padStart(3)} sessions ${server.name.padEnd(9)} ${(total / SECONDS).toFixed(0).padStart(6)} transfers/s` +
          `  p50 ${report.p50.toFixed(1)} ms  p99 ${report.p99.toFixed(1)} ms  failures ${report.failures}  CPU ${result.cpuPerTransfer.toFixed(2)} ms/transfer  RSS ${mib(result.memory.start.rss)}→${mib(result.memory.end.rss)} MiB  load ${loadavg()[0]!.toFixed(2)}`,
        );
        if (report.failures > 0) console.log(`  failures: ${report.failureSamples.join(' | ')}`);
      }
    }
  }

  const rate = (sessions: number, name: ServerName): number => {
    const list = runs.get(`${sessions}/${name}`) ?? [];
    return median(list.map((r) => (r.report.transfers.RETR + r.report.transfers.STOR + r.report.transfers.LIST) / r.report.seconds));
  };
  const hasOurs = servers.some((s) => s.name === 'ftppy');
  const label = (name: ServerName): string => (name === 'ftppy' ? 'FtpPy server' : name);
  const rows = LEVELS.flatMap((sessions) =>
    servers.map((server) => {
      const list = runs.get(`${sessions}/${server.name}`) ?? [];
      const failures = list.reduce((sum, r) => sum + r.report.failures, 0);
      return [
        String(sessions),
        label(server.name),
        rate(sessions, server.name).toFixed(0),
        server.name === 'ftppy' || !hasOurs ? '' : `**${ratio(rate(sessions, 'ftppy'), rate(sessions, server.name))}**`,
        median(list.map((r) => r.report.p50)).toFixed(1),
        median(list.map((r) => r.report.p99)).toFixed(1),
        String(failures),
        median(list.map((r) => r.cpuPerTransfer)).toFixed(2),
        `${mib(median(list.map((r) => r.memory.start.rss)))} → ${mib(median(list.map((r) => r.memory.end.rss)))} (${mib(Math.max(...list.map((r) => r.memory.peakRss)))})`,
        mib(Math.max(...list.map((r) => r.memory.peakPss))),
      ];
    }),
  );
  const result = table(
    ['sessions', 'server', 'transfers/s', 'FtpPy ÷ this', 'p50 ms', 'p99 ms', 'failures', 'server CPU ms per transfer', 'server RSS MiB: window start → end (peak)', 'peak PSS MiB'],
    rows,
  );
  const memoryRows = servers.map((server) => {
    const m = memoryLog.get(server.name)!;
    return [label(server.name), mib(m.cold), mib(m.warm), m.windows.map(mib).join(', '), mib(m.last)];
  });
  const memory = table(
    ['server', 'RSS MiB started', 'after the warm-up', `at the end of each window, in order (${LEVELS.join('/')} sessions × ${ROUNDS} rounds)`, 'after the last run'],
    memoryRows,
  );
  console.log(`\n${result}\n\n${memory}\n`);

  writeSection(
    only ? `server-load-${only.toLowerCase()}` : 'server-load',
    `## Server under load: ${LEVELS.join(', ')} sessions of ${only ? `${only} alone` : 'small transfers'} (issue ${only ? '14' : '8, 3'})

\`${command('server-load')}\`, ${SECONDS} s per run, ${ROUNDS} rounds, medians${quick ? ' (quick sizes)' : ''}; ${before}, load ${loadavg()[0]!.toFixed(2)} at the end.

${result}

Memory of each server's process tree over the whole benchmark:

${memory}
${skipped.length ? `\nSkipped: ${skipped.join('; ')}.\n` : ''}
The load generator (\`bench/load-generator.child.ts\`: raw sockets, not our client) runs in
its own process; before the runs, each server gets ${WARM_UP_SECONDS} s of 10 sessions, not counted. Each session logs in before the window opens, then loops for ${SECONDS} s
over ${only ? `${only} alone (FTPPY_BENCH_ONLY; the default mix is ` : ''}40% RETR of one of ${FILES} files of 4 KiB, 30% STOR of 4 KiB (four names per
session, overwritten) and 30% LIST of that folder of ${FILES} files${only ? ')' : ''}, each over its own
EPSV data connection; the sequence of operations is the same against every server.
Transfers/s counts the transfers completed in the window; latency runs from EPSV to the
final reply with the data connection closed; a failure is any unexpected reply, reset or
30 s without an answer (the session then starts over). Servers: ours, ftp-srv 4 (from
\`bench/package.json\`, its logger silenced), vsftpd and pyftpdlib (binaries from
\`shared/peers/start\`, run with this benchmark's configuration: 1,000 passive ports and no
client limit each, no per-command logging). RSS is summed over each server's process tree
(vsftpd forks two processes per session) from \`/proc/<pid>/status\`, sampled every 250
ms; PSS (\`/proc/<pid>/smaps_rollup\`) shares each shared page among the processes mapping
it.`,
  );
  console.log('written to bench/RESULTS.md');
} finally {
  await tree.dispose();
}
