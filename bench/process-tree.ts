// Memory and CPU time of the processes under test, read from /proc (Linux only; elsewhere
// every figure is NaN). A server may be many processes (vsftpd forks two per session), so a server's
// figure is the sum over its process tree: RSS as /proc/<pid>/status reports it, and PSS,
// which shares each shared page among the processes mapping it, so that 400 vsftpd
// processes mapping the same libc are not counted 400 times.
import { readdirSync, readFileSync } from 'node:fs';

function field(text: string, name: string): number {
  const at = text.indexOf(`${name}:`);
  if (at < 0) return Number.NaN;
  return Number.parseInt(text.slice(at + name.length + 1), 10) * 1024; // the kernel writes kB
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended meanwhile
  }
}

/** `pid` and every process descended from it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [pid];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    // the command name is in parentheses and may hold spaces: fields start after the last ')'
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

export interface TreeMemory {
  rss: number;
  pss: number;
  processes: number;
}

/** The summed RSS and PSS of `pid`'s process tree, in bytes. */
export function treeMemory(pid: number): TreeMemory {
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const member of processTree(pid)) {
    const status = read(`/proc/${member}/status`);
    if (!status) continue;
    processes++;
    rss += field(status, 'VmRSS') || 0;
    const rollup = read(`/proc/${member}/smaps_rollup`);
    pss += rollup ? field(rollup, 'Pss') || 0 : 0;
  }
  return processes === 0 ? { rss: Number.NaN, pss: Number.NaN, processes } : { rss, pss, processes };
}

const TICKS_PER_SECOND = 100; // USER_HZ, the unit of /proc/<pid>/stat times on every Linux

/**
 * CPU seconds used by `pid`'s process tree, user and system: each live process's own
 * time plus what its exited, reaped children used (so that vsftpd's sessions, which end,
 * still count: their time moves into the listener's). The difference of two readings is
 * what the tree used in between.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  let found = false;
  for (const member of processTree(pid)) {
    const stat = read(`/proc/${member}/stat`);
    if (!stat) continue;
    found = true;
    // after the command name: state ppid … utime (12th) stime cutime cstime
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    for (const at of [11, 12, 13, 14]) ticks += Number(fields[at]);
  }
  return found ? ticks / TICKS_PER_SECOND : Number.NaN;
}

/** The peak RSS of one process so far (VmHWM), in bytes. */
export function peakRss(pid: number): number {
  const status = read(`/proc/${pid}/status`);
  return status ? field(status, 'VmHWM') : Number.NaN;
}

/**
 * Samples a figure every `everyMs` until stopped. What a process reached just before it
 * exits can be missed by up to one interval; VmHWM only grows, so a client's peak is
 * caught by its last sample.
 */
export class Sampler<T> {
  readonly samples: { at: number; value: T }[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #started = performance.now();

  constructor(read: () => T, everyMs: number) {
    const take = (): void => {
      this.samples.push({ at: performance.now() - this.#started, value: read() });
    };
    take();
    this.#timer = setInterval(take, everyMs);
  }

  stop(): { at: number; value: T }[] {
    clearInterval(this.#timer);
    return this.samples;
  }
}
