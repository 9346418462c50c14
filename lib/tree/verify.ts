import type { ClientCore } from '../client/core.js';
import { isPartName } from '../client/part-file.js';
import { runQueue } from '../client/work-queue.js';
import { FALLBACK_ALGORITHM, downloadedDigest, localDigest, remoteDigest, remoteHasher, type RemoteHasher } from './checksum.js';
import { resultObject, type RunContext } from './execute.js';
import { byPath, isWithin, localPath, remotePath, type Tree } from './nodes.js';
import type { VerifyOptions } from './options.js';
import { TreeMeter } from './progress.js';
import { emptyTree, remoteRoot } from './roots.js';
import { runContext } from './sync.js';
import { describe, warn } from '../../common/warnings.js';
import { walkLocal } from './walk-local.js';
import { walkRemote } from './walk-remote.js';

const unknownIn = (tree: Tree, rel: string): boolean => tree.unread.some((dir) => isWithin(rel, dir));

/**
 * `verify(local, remote)`: for every file on either side, whether both sides have it
 * with the same size; with `checksum`, with the same content too. A mismatch is an
 * answer (false), not a failure, so it is not warned about; a file that could not be
 * checked is false with a warning.
 */
export async function verify(core: ClientCore, local: string, remote: string, options: VerifyOptions): Promise<Record<string, boolean>> {
  const ctx = runContext(core, 'verify', local, remote, options);
  const state = await remoteRoot(core, 'verify', ctx.remote, false, ctx.signal);
  if (state === null) return {};
  const walk = { concurrency: ctx.concurrency, signal: ctx.signal };
  const [mine, theirs] = await Promise.all([walkLocal(ctx.local), state === 'ready' ? walkRemote(core, ctx.remote, walk) : emptyTree()]);
  const localTree = mine ?? emptyTree();
  const results = new Map<string, boolean>();
  const toHash = new Set<string>();
  for (const tree of [localTree, theirs]) {
    for (const [rel, node] of tree.nodes) {
      if (node.kind !== 'file' || results.has(rel) || isPartName(rel.slice(rel.lastIndexOf('/') + 1))) continue;
      const a = localTree.nodes.get(rel);
      const b = theirs.nodes.get(rel);
      const alike = a?.kind === 'file' && b?.kind === 'file' && a.size === b.size && !unknownIn(localTree, rel) && !unknownIn(theirs, rel);
      results.set(rel, alike);
      if (alike && options.checksum) toHash.add(rel);
    }
  }
  // A folder listed in part (warned): what is missing from it may be there after all.
  for (const dir of theirs.partial ?? []) results.set(dir === '' ? '.' : dir, false);
  const meter = new TreeMeter(ctx.progress, results.size, 0);
  for (const [rel, ok] of results) if (!toHash.has(rel)) meter.finished(rel, 'verify', ok);
  const hasher = remoteHasher(core.features);
  await runQueue([...toHash].sort(byPath), ctx.concurrency, async (rel) => {
    const same = await sameContent(ctx, rel, hasher);
    results.set(rel, same);
    meter.finished(rel, 'verify', same);
  });
  return resultObject(results);
}

/** The server's digest when it can hash (one round trip), else the file downloaded and hashed here. */
async function sameContent(ctx: RunContext, rel: string, hasher: RemoteHasher | null): Promise<boolean> {
  const remote = remotePath(ctx.remote, rel);
  let theirs: string | null = null;
  if (hasher) {
    const digest = await ctx.core.run<string | null | false>({ name: 'verify', path: remote, fallback: false, signal: ctx.signal }, (attempt) =>
      attempt.use((connection) => remoteDigest(connection, remote, hasher)),
    );
    if (digest === false) return false; // warned
    theirs = digest; // null: not understood after all, so downloaded below
  }
  const algorithm = theirs === null ? FALLBACK_ALGORITHM : hasher!.algorithm;
  const file = localPath(ctx.local, rel);
  const [remoteHash, localHash] = await Promise.all([
    theirs ?? downloadedDigest(ctx.core, remote, algorithm, ctx.signal),
    localDigest(file, algorithm).catch((error: unknown) => {
      warn(`verify ${file}: cannot read the local file: ${describe(error)}`, 'FTPPY_ERR_LOCAL');
      return null;
    }),
  ]);
  return remoteHash !== null && localHash !== null && remoteHash === localHash;
}
