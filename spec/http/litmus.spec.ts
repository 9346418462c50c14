// litmus, the WebDAV compliance suite (Debian package litmus), against our server: its
// basic, copymove, props and locks groups must pass whole, with no failure, no skipped
// test and no warning. Its summary lines are what is checked; on a failure the whole
// output (each test's verdict and reason) is in the assertion message.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { run, skipUnless } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';
import { startWeb, type WebFixture } from './support/web.js';

const GROUPS = ['basic', 'copymove', 'props', 'locks'];
const skip = skipUnless('litmus');
let w: WebFixture;
const work = tempDir('ftppy-litmus-');
before(async () => {
  if (skip === false) w = await startWeb({}, { users: [{ name: 'litmus', password: 'secret' }] });
});
after(async () => {
  await w?.close();
  work.remove();
});

it('litmus: basic, copymove, props and locks pass with no failure, skip or warning', { skip, timeout: 240_000 }, async () => {
  // The folder litmus works in; it writes its debug.log to the working directory.
  const result = await run('litmus', [`http://127.0.0.1:${w.port}/files/`, 'litmus', 'secret'], {
    cwd: work.dir,
    env: { TESTS: GROUPS.join(' ') },
    timeoutMs: 220_000,
  });
  const output = result.stdout + result.stderr;
  for (const group of GROUPS) {
    const m = new RegExp(`summary for \`${group}': of (\\d+) tests run: (\\d+) passed, (\\d+) failed`).exec(output);
    assert.ok(m, `no summary for ${group}:\n${output}`);
    const [run_, passed, failed] = [Number(m[1]), Number(m[2]), Number(m[3])];
    assert.equal(failed, 0, `${group}: ${failed} failed\n${output}`);
    assert.equal(passed, run_, `${group}: ${passed} of ${run_} passed\n${output}`);
    assert.ok(run_ > 10, `${group} ran ${run_} tests only`);
  }
  assert.doesNotMatch(output, /skipped|SKIPPED|WARNING|warning was issued/, output);
  assert.equal(result.code, 0, output);
});
