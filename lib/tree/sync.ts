import { resolve } from 'node:path';
import { InvalidArgumentError } from '../../common/errors.js';
import type { ClientCore } from '../client/core.js';
import { sharedRate } from '../client/options.js';
import { warn } from '../../common/warnings.js';
import { refineTimes } from './exact-times.js';
import { execute, type RunContext } from './execute.js';
import type { Tree } from './nodes.js';
import type { SyncOptions } from './options.js';
import { plan, timeQuestions, type PlanMode } from './plan.js';
import { emptyTree, localRoot, remoteRoot } from './roots.js';
import { walkLocal } from './walk-local.js';
import { walkRemote } from './walk-remote.js';

export type Direction = 'up' | 'down' | 'both';

/** The context every tree operation runs in: absolute roots and the concurrency. */
export function runContext(core: ClientCore, name: string, local: string, remote: string, options: SyncOptions): RunContext {
  return {
    core, name,
    local: resolve(local),
    remote: core.resolve(remote),
    concurrency: options.concurrency ?? core.settings.limits.connections,
    signal: options.signal,
    progress: options.progress,
    dryRun: options.dryRun,
    ...sharedRate(options.rate),
  };
}

/**
 * Walks the local tree, lets `accept` refuse the operation on what it found (before
 * anything changes), finds the remote root, makes the receiving root if missing (not in
 * a dry run), walks the remote tree, asks for exact times where a LIST date would decide, plans, and carries
 * out the plan. null when it could not start (a root missing or not to be made: warned).
 */
export async function syncTrees(ctx: RunContext, mode: PlanMode, accept: (local: Tree | null) => boolean = () => true, ignore?: (rel: string) => boolean): Promise<Record<string, boolean> | null> {
  const found = await walkLocal(ctx.local);
  if (!accept(found)) return null;
  const local = found ?? emptyTree();
  const uploads = mode === 'up' || mode === 'both' || mode === 'mirror';
  const state = await remoteRoot(ctx.core, ctx.name, ctx.remote, uploads && !ctx.dryRun, ctx.signal);
  if (state === null) return null;
  if (state === 'missing' && !uploads) {
    warn(`${ctx.name} ${ctx.remote}: no such folder on the server`, 'FTPPY_ERR_MISSING');
    return null;
  }
  if (mode !== 'up' && mode !== 'mirror' && !found && !ctx.dryRun && !(await localRoot(ctx.name, ctx.local))) return null;
  const walk = { concurrency: ctx.concurrency, signal: ctx.signal };
  const remote = state === 'ready' ? await walkRemote(ctx.core, ctx.remote, walk) : emptyTree();
  if (ignore) for (const rel of [...remote.nodes.keys()]) if (ignore(rel)) remote.nodes.delete(rel);
  await refineTimes(ctx.core, ctx.remote, remote, timeQuestions(mode, local, remote), walk);
  return execute(ctx, plan(mode, local, remote));
}

/** `sync(local, remote, 'up' | 'down' | 'both')`: see `PlanMode` for what each direction does. */
export async function sync(core: ClientCore, local: string, remote: string, direction: Direction, options: SyncOptions): Promise<Record<string, boolean>> {
  if (direction !== 'up' && direction !== 'down' && direction !== 'both') {
    throw new InvalidArgumentError(`sync direction must be 'up', 'down' or 'both', got ${JSON.stringify(direction)}`);
  }
  const ctx = runContext(core, 'sync', local, remote, options);
  const results = await syncTrees(ctx, direction, (found) => {
    if (found || direction !== 'up') return true;
    warn(`sync ${ctx.local}: no such local folder`, 'FTPPY_ERR_MISSING');
    return false;
  });
  return results ?? {};
}
