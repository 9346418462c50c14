// One rule for a spec whose prerequisite (a client binary, a Python module, a reference
// peer, root for a mount) is missing here: outside CI it is skipped, saying why; under
// CI=true it fails, saying why, since CI installs every one of them (.ci/run) and a
// suite that silently skips there proves nothing.
import assert from 'node:assert/strict';
import { it } from 'node:test';

/** True when running under CI (CI=true, as GitHub Actions and .ci/run's callers set it). */
export const underCi = process.env.CI === 'true';

/**
 * For node:test's `skip` option: `missing` is why the spec cannot run here, or false.
 * Outside CI the reason is returned (the spec shows as skipped, with it). Under CI a
 * failing test named after the reason is registered in the current suite (or at the top
 * of the file) and the reason is still returned, so the spec itself does not run
 * half-equipped: the run fails with one clear line instead.
 */
export function skipOutsideCi(missing: string | false): string | false {
  if (missing === false) return false;
  if (underCi) {
    it(`prerequisite missing: ${missing}`, () => {
      assert.fail(`${missing}, and CI=true needs it (.ci/run installs it)`);
    });
  }
  return missing;
}
