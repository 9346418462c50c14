// The connection's one timer: every phase times out at its own limit, whatever phases came
// before, while moving from phase to phase does not start a Node timer each time (a small
// file's download moves through five).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PhaseTimer, type Phase } from '../../protocol/phase-timer.js';
import { within } from '../helpers/wait.js';

interface Fired {
  phase: Phase;
  seconds: number;
  afterMs: number;
}

/**
 * A timer whose timeouts resolve `fired`, timed from the moment it was made. (Its Node
 * timer is unref'd, as a connection's is: a wait on `fired` goes through `within`, whose
 * own timer keeps the process up.)
 */
function watched(waitMs = 10_000): { timer: PhaseTimer; fired: Promise<Fired> } {
  const start = performance.now();
  let resolve!: (fired: Fired) => void;
  const fired = new Promise<Fired>((r) => (resolve = r));
  const timer = new PhaseTimer((phase, seconds) => resolve({ phase, seconds, afterMs: performance.now() - start }));
  return { timer, fired: within(fired, 'the timeout', waitMs) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves `'quiet'` unless `fired` settles within `ms`. */
function quietFor(fired: Promise<Fired>, ms: number): Promise<Fired | 'quiet'> {
  return Promise.race([fired, sleep(ms).then(() => 'quiet' as const)]);
}

describe('PhaseTimer', () => {
  it('times a phase out at its limit, naming the phase', async () => {
    const { timer, fired } = watched();
    timer.enter('reply', 0.05);
    const got = await fired;
    assert.equal(got.phase, 'reply');
    assert.equal(got.seconds, 0.05);
    assert.ok(got.afterMs >= 50, `fired after ${got.afterMs} ms`);
  });

  it('times out a short phase entered while a long one had the timer: not at the long one\'s time', async () => {
    const { timer, fired } = watched();
    timer.enter('read', 5);
    timer.enter('connect', 0.05);
    const got = await quietFor(fired, 2000);
    assert.notEqual(got, 'quiet', 'the 50 ms connect phase waited for the 5 s read phase\'s timer');
    assert.equal((got as Fired).phase, 'connect');
  });

  it('times out a long phase at its own limit after a short one set how often the timer wakes', async () => {
    const { timer, fired } = watched();
    timer.enter('connect', 0.04);
    timer.stop();
    const entered = performance.now();
    timer.enter('read', 0.25);
    const got = await fired;
    assert.equal(got.phase, 'read');
    assert.ok(performance.now() - entered >= 245, 'the read phase ended before its limit');
  });

  it('counts a phase\'s limit again from each touch', async () => {
    const { timer, fired } = watched();
    timer.enter('read', 0.4);
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      timer.touch();
    }
    // 600 ms in, past the limit, and still not timed out: each touch restarted it.
    assert.equal(await quietFor(fired, 0), 'quiet');
    const got = await fired;
    assert.equal(got.phase, 'read');
    assert.ok(got.afterMs >= 1000, `fired after ${got.afterMs} ms`);
  });

  it('times out the next phase after the timer woke while nothing was awaited (stopped, or held)', async () => {
    for (const pause of ['stop', 'held'] as const) {
      const { timer, fired } = watched(3000);
      timer.enter('reply', 0.03);
      if (pause === 'stop') timer.stop();
      else timer.enter('held');
      await sleep(80); // the timer wakes meanwhile, finds nothing to time, and is not armed again
      timer.enter('read', 0.05);
      const got = await fired;
      assert.equal(got.phase, 'read', `after ${pause}`);
    }
  });

  it('never times out while stopped, held, or after dispose, even if entered again', async () => {
    for (const end of ['stop', 'held', 'dispose'] as const) {
      const { timer, fired } = watched(300);
      fired.catch(() => {}); // it gives up at 300 ms, after the check below
      timer.enter('reply', 0.03);
      if (end === 'stop') timer.stop();
      else if (end === 'held') timer.enter('held');
      else {
        timer.dispose();
        timer.enter('read', 0.03); // an ended connection's late wait
      }
      assert.equal(await quietFor(fired, 150), 'quiet', `a timeout fired after ${end}`);
    }
  });

  it('moves through a small file\'s phases without starting a Node timer each time', () => {
    const real = globalThis.setTimeout;
    let started = 0;
    globalThis.setTimeout = ((...args: Parameters<typeof real>) => {
      started++;
      return real(...args);
    }) as typeof real;
    const timer = new PhaseTimer(() => {});
    try {
      // The connection's first waits arm the timer (the read limit, then the shorter connect limit).
      timer.enter('reply', 30);
      timer.stop();
      timer.enter('connect', 10);
      const first = started;
      for (let file = 0; file < 100; file++) {
        timer.enter('reply', 30); // EPSV
        timer.stop();
        timer.enter('connect', 10); // the data connection
        timer.enter('reply', 30); // RETR
        timer.enter('read', 30); // the bytes
        timer.enter('reply', 30); // 226
        timer.stop();
      }
      assert.ok(first <= 2, `${first} timers for the first waits`);
      assert.equal(started, first, `${started - first} timers started for 100 files' phases`);
    } finally {
      globalThis.setTimeout = real;
      timer.dispose();
    }
  });
});
