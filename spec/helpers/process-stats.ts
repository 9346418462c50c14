// What a local server process is doing, read from Linux's /proc: the CPU time it has used
// and its TCP connections stuck in CLOSE-WAIT (the peer closed, the process never did).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User plus system CPU time of `pid`, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

function ipv4(hex: string): string {
  const [address, port] = hex.split(':') as [string, string];
  const bytes = (address.match(/../g) ?? []).map((b) => parseInt(b, 16)).reverse();
  return `${bytes.join('.')}:${parseInt(port, 16)}`;
}

const CLOSE_WAIT = '08';

/** The IPv4 connections of `pid` in CLOSE-WAIT, as 'local -> remote'. */
export function closeWaitConnections(pid: number): string[] {
  const inodes = socketInodes(pid);
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === CLOSE_WAIT && inodes.has(f[9]!))
    .map((f) => `${ipv4(f[1]!)} -> ${ipv4(f[2]!)}`);
}
