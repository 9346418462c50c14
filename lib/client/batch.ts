import { InvalidArgumentError } from '../../common/errors.js';
import type { ClientCore } from './core.js';
import { sharedRate, type BatchOptions, type SharedRate, type TransferOptions } from './options.js';
import { runQueue } from './work-queue.js';

export type Pair = readonly [string, string];

function checkPairs(what: string, pairs: unknown): Pair[] {
  if (!Array.isArray(pairs)) throw new InvalidArgumentError(`${what} takes an array of [source, target] pairs`);
  return pairs.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new InvalidArgumentError(`${what}: pair ${i} is not [source, target] strings`);
    }
    return pair as unknown as Pair;
  });
}

/**
 * `batch(pairs, { limit })` and `fetch(pairs, { limit })`: `transfer` (upload or
 * download) over every pair, `limit` at once (and never more connections than the pool
 * allows, whatever the limit). Each pair retries on its own; the result maps each
 * source, as given, to whether it arrived. `transferFor` sees every pair before the
 * first transfer starts (a fetch learns which folders it takes many files from).
 */
export async function transferAll(
  core: ClientCore,
  what: 'batch' | 'fetch',
  pairs: unknown,
  options: BatchOptions,
  transferFor: (pairs: readonly Pair[]) => (source: string, target: string, options: TransferOptions & SharedRate) => Promise<boolean>,
): Promise<Record<string, boolean>> {
  const checked = checkPairs(what, pairs);
  const transfer = transferFor(checked);
  const { limit = core.settings.limits.connections, ...given } = options;
  const each = { ...given, ...sharedRate(given.rate) }; // the batch's rate is for all its files together
  const results: Record<string, boolean> = {};
  for (const [source] of checked) results[source] = true; // keys in the order given
  await runQueue(checked, limit, async ([source, target]) => {
    const ok = await transfer(source, target, each);
    results[source] = results[source]! && ok;
  });
  return results;
}
