// The load generator of the server benchmark, in a process of its own: `sessions`
// concurrent sessions over raw sockets (raw-ftp-session.ts), each logged in once and then
// looping over a mix of small transfers for `seconds`: 40% RETR of a 4 KiB file, 30% STOR
// of 4 KiB, 30% LIST of a folder of those files. argv[2] is the JSON LoadPlan; prints a
// LoadReport as JSON.
//
// Sessions log in before the clock starts, a few at a time (a burst of 200 SYNs would
// overflow the listen backlog of some servers, a cost of the burst, not of serving).
// A transfer counts when it completes within the window; one that fails is counted,
// and its session starts over on a new connection.
import { FtpFailure, RawFtpSession } from './raw-ftp-session.js';
import { percentile } from './stats.js';

export interface LoadPlan {
  host: string;
  port: number;
  user: string;
  password: string;
  sessions: number;
  seconds: number;
  /** Folder of `files` files named fNNNNN to RETR, and to LIST. */
  filesDir: string;
  files: number;
  /** Folder to STOR into (each session its own names). */
  uploadDir: string;
  /** Shares of RETR and STOR (LIST takes the rest); default 0.4 and 0.3. */
  mix?: { RETR: number; STOR: number };
}

export interface LoadReport {
  seconds: number;
  /** When the window opened, ms after this process started (so the parent can tell which memory samples fall in it). */
  windowStart: number;
  transfers: { RETR: number; STOR: number; LIST: number };
  /** Latencies of completed transfers, ms. */
  p50: number;
  p99: number;
  max: number;
  failures: number;
  /** The first few failures, for the record. */
  failureSamples: string[];
}

const OPERATION_TIMEOUT_MS = 30_000;
const LOGIN_BATCH = 10;

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
const mix = plan.mix ?? { RETR: 0.4, STOR: 0.3 };
const body = Buffer.alloc(4096, 0x61);
const transfers = { RETR: 0, STOR: 0, LIST: 0 };
const latencies: number[] = [];
let failures = 0;
const failureSamples: string[] = [];

function failed(error: unknown): void {
  failures++;
  if (failureSamples.length < 10) failureSamples.push(error instanceof Error ? error.message : String(error));
}

/** A small deterministic generator per session, so that every server gets the same sequence of operations. */
function random(seed: number): () => number {
  let state = seed * 2654435761 >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function withTimeout<T>(promise: Promise<T>, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new FtpFailure(`no answer within ${OPERATION_TIMEOUT_MS / 1000}s`));
      }, OPERATION_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function open(): Promise<RawFtpSession> {
  return RawFtpSession.open(plan.host, plan.port, plan.user, plan.password);
}

async function run(id: number, first: RawFtpSession | null, until: number): Promise<void> {
  const next = random(id + 1);
  let session = first;
  let stored = 0;
  while (performance.now() < until) {
    try {
      session ??= await open();
      const live: RawFtpSession = session;
      const pick = next();
      const file = `${plan.filesDir}/f${String(Math.floor(next() * plan.files)).padStart(5, '0')}`;
      const [verb, command, upload] =
        pick < mix.RETR ? (['RETR', `RETR ${file}`, null] as const)
        : pick < mix.RETR + mix.STOR ? (['STOR', `STOR ${plan.uploadDir}/s${id}-${stored++ % 4}`, body] as const)
        : (['LIST', `LIST ${plan.filesDir}`, null] as const);
      const started = performance.now();
      await withTimeout(live.transfer(command, upload), () => live.destroy());
      const ended = performance.now();
      if (ended <= until) {
        transfers[verb]++;
        latencies.push(ended - started);
      }
    } catch (error) {
      failed(error);
      session?.destroy();
      session = null;
    }
  }
  await session?.quit();
}

// Log in first, LOGIN_BATCH at a time; a session that cannot log in is a failure and tries again in the window.
const sessions: (RawFtpSession | null)[] = [];
for (let at = 0; at < plan.sessions; at += LOGIN_BATCH) {
  const batch = Array.from({ length: Math.min(LOGIN_BATCH, plan.sessions - at) }, () =>
    open().catch((error: unknown) => {
      failed(error);
      return null;
    }),
  );
  sessions.push(...(await Promise.all(batch)));
}
console.error(`logged in ${sessions.filter(Boolean).length} of ${plan.sessions}`);
const started = performance.now();
const until = started + plan.seconds * 1000;
await Promise.all(sessions.map((session, id) => run(id, session, until)));

latencies.sort((a, b) => a - b);
const report: LoadReport = {
  seconds: plan.seconds, windowStart: started, transfers, failures, failureSamples,
  p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? Number.NaN,
};
console.log(JSON.stringify(report));
