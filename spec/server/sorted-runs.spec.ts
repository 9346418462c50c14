import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SortedRuns } from '../../server/fs/sorted-runs.js';
import { seeded } from '../helpers/chunks.js';

describe('SortedRuns', () => {
  it('hands out names in Array.prototype.sort order, whatever the run length', () => {
    const random = seeded(5);
    for (const [count, runLength] of [[0, 3], [1, 3], [3, 3], [10, 3], [1000, 7], [1000, 1000], [5000, 64]] as const) {
      const names = Array.from({ length: count }, (_, i) => `${Math.floor(random() * 1e9).toString(36)}-${i}${i % 7 === 0 ? '\uDCE9' : ''}`);
      const runs = new SortedRuns(runLength);
      for (const name of names) runs.add(name);
      assert.deepEqual([...runs.sorted()], [...names].sort(), `${count} names in runs of ${runLength}`);
    }
  });
});
