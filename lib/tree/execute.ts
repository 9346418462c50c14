import type { TokenBucket } from '../../common/throttle.js';
import { mkdir as makeLocalDir } from 'node:fs/promises';
import { nativePath } from '../../protocol/text.js';
import type { ClientCore } from '../client/core.js';
import { mkdir, rmdir } from '../client/directories.js';
import { download } from '../client/download.js';
import { remove } from '../client/files.js';
import { runQueue } from '../client/work-queue.js';
import { upload } from '../client/upload.js';
import { describe, warn } from '../../common/warnings.js';
import { byPath, depthOf, isWithin, localPath, parentOf, remotePath } from './nodes.js';
import type { TreeAction, TreeProgressCallback } from './options.js';
import type { FileMove, Plan, Removal } from './plan.js';
import { TreeMeter } from './progress.js';
import { localInside } from './roots.js';

export interface RunContext {
  core: ClientCore;
  /** The operation's name, for warnings. */
  name: string;
  /** Absolute roots: a local folder and a remote one. */
  local: string;
  remote: string;
  concurrency: number;
  signal?: AbortSignal | undefined;
  progress?: TreeProgressCallback | undefined;
  dryRun?: boolean | undefined;
  /** The operation's `rate`, one bucket for all its transfers. */
  rateBucket?: TokenBucket | null | undefined;
}

type Results = Map<string, boolean>;

/** The results as the seed's `.items()` object, sorted by path. */
export function resultObject(results: Results): Record<string, boolean> {
  return Object.fromEntries([...results].sort(([a], [b]) => byPath(a, b)));
}

/** Groups paths by depth, deepest first or shallowest first. */
function levels(paths: string[], deepestFirst: boolean): string[][] {
  const byDepth = new Map<number, string[]>();
  for (const path of paths) {
    const depth = depthOf(path);
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), path]);
  }
  return [...byDepth.keys()].sort((a, b) => (deepestFirst ? b - a : a - b)).map((depth) => byDepth.get(depth)!);
}

/**
 * Carries out a plan: remote paths in the way removed, folders made (parents first),
 * files transferred `concurrency` at once, then removals (files, then folders deepest
 * first). Each step is a client operation of its own, so it retries on its own and a
 * failure is that path's `false` and a warning, never the end of the run. Only the
 * caller's abort ends it early (it rejects).
 */
export async function execute(ctx: RunContext, plan: Plan): Promise<Record<string, boolean>> {
  const results: Results = new Map();
  // A dry run reports only what would change (or could not be done).
  if (!ctx.dryRun) for (const path of plan.same) results.set(path, true);
  for (const { path, why } of plan.refused) {
    results.set(path, false);
    if (why) warn(`${ctx.name} ${path}: left alone: ${why}`, 'FTPPY_ERR_TREE_CONFLICT');
  }
  const transfers = [...plan.uploads.map((move) => ['upload', move] as const), ...plan.downloads.map((move) => ['download', move] as const)];
  const total = plan.clear.length + plan.localDirs.length + plan.remoteDirs.length + transfers.length + plan.removals.length;
  const bytes = transfers.reduce((sum, [, move]) => sum + move.size, 0);
  const meter = new TreeMeter(ctx.progress, total, bytes);
  const record = (path: string, action: TreeAction, ok: boolean): void => {
    results.set(path, ok);
    meter.finished(path, action, ok);
  };

  if (ctx.dryRun) {
    for (const { path } of plan.clear) record(path, 'delete', true);
    for (const path of [...plan.localDirs, ...plan.remoteDirs]) record(path, 'mkdir', true);
    for (const [action, { path }] of transfers) record(path, action, true);
    for (const { path } of plan.removals) record(path, 'delete', true);
    for (const path of plan.incomplete) results.set(path, false);
    return resultObject(results);
  }

  await removeRemote(ctx, plan.clear, record);
  const failedDirs: string[] = [];
  for (const path of plan.localDirs) {
    const dir = inside(ctx, path);
    const ok = dir !== null && (await makeLocalDir(nativePath(dir), { recursive: true }).then(() => true, (error: unknown) => {
      warn(`${ctx.name}: cannot create the local folder ${dir}: ${describe(error)}`, 'FTPPY_ERR_LOCAL');
      return false;
    }));
    if (!ok) failedDirs.push(path);
    record(path, 'mkdir', ok);
  }
  const blocked = (path: string): string | undefined => failedDirs.find((dir) => isWithin(parentOf(path), dir));
  for (const level of levels(plan.remoteDirs, false)) {
    await runQueue(level, ctx.concurrency, async (path) => {
      const ok = !blocked(path) && (await mkdir(ctx.core, remotePath(ctx.remote, path), { signal: ctx.signal }));
      if (!ok) failedDirs.push(path);
      record(path, 'mkdir', ok);
    });
  }

  if (plan.uploads.length > 0 && ctx.core.features && !ctx.core.features.mfmt && !ctx.core.features.mdtm) {
    warn(`${ctx.name} ${ctx.remote}: the server cannot set modification times (no MFMT), so uploaded files keep the time of their upload`, 'FTPPY_WARN_NO_MFMT');
  }
  await runQueue(transfers, ctx.concurrency, async ([action, move]) => {
    const dir = blocked(move.path);
    if (dir !== undefined) warn(`${ctx.name} ${move.path}: not transferred: the folder ${dir} could not be created`, 'FTPPY_ERR_TREE_CONFLICT');
    const ok = dir === undefined && (await transfer(ctx, action, move, meter));
    record(move.path, action, ok);
  });

  await removeRemote(ctx, plan.removals, record);
  for (const path of plan.incomplete) results.set(path, false); // warned when listed
  return resultObject(results);
}

/** The local path of `rel`, or null (warned) when it would lead out of the local root. */
function inside(ctx: RunContext, rel: string): string | null {
  const path = localInside(ctx.local, rel);
  if (path === null) warn(`${ctx.name} ${JSON.stringify(rel)}: left alone: it would lead out of ${ctx.local}`, 'FTPPY_ERR_UNSAFE_NAME');
  return path;
}

async function transfer(ctx: RunContext, action: 'upload' | 'download', move: FileMove, meter: TreeMeter): Promise<boolean> {
  // Uploads read what the local walk found (a Unix name may hold a backslash); downloads create.
  const local = action === 'upload' ? localPath(ctx.local, move.path) : inside(ctx, move.path);
  if (local === null) return false;
  const remote = remotePath(ctx.remote, move.path);
  const options = { progress: meter.bytesOf(move.path, action, move.size), signal: ctx.signal, rateBucket: ctx.rateBucket };
  const modified = move.time === null ? undefined : new Date(move.time);
  if (action === 'upload') return upload(ctx.core, local, remote, options, { atomic: true, ...(modified ? { modified } : {}) });
  return download(ctx.core, remote, local, options, { size: move.size, folderExists: true, askTime: move.coarse, ...(modified ? { modified } : {}) });
}

/** Files (and links) at once, then folders deepest first, each level at once. */
async function removeRemote(ctx: RunContext, removals: Removal[], record: (path: string, action: TreeAction, ok: boolean) => void): Promise<void> {
  const files = removals.filter((removal) => !removal.dir).map((removal) => removal.path);
  await runQueue(files, ctx.concurrency, async (path) => {
    record(path, 'delete', await remove(ctx.core, remotePath(ctx.remote, path), { signal: ctx.signal }));
  });
  const dirs = removals.filter((removal) => removal.dir).map((removal) => removal.path);
  for (const level of levels(dirs, true)) {
    await runQueue(level, ctx.concurrency, async (path) => {
      record(path, 'delete', await rmdir(ctx.core, remotePath(ctx.remote, path), { signal: ctx.signal }));
    });
  }
}
