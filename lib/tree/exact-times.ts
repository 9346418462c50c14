import type { ClientCore } from '../client/core.js';
import { remoteModified } from '../client/remote-times.js';
import { runQueue } from '../client/work-queue.js';
import { remotePath, type Tree } from './nodes.js';

// Paths asked about on one leased connection, one MDTM after another: a lease per path
// would cost more than the question.
const PER_LEASE = 32;

/**
 * Replaces the coarse LIST dates of the given remote files by MDTM's exact UTC times
 * (RFC 3659 §3), where the server has MDTM. A LIST date is at best to the minute and in
 * the server's own time zone, so a decision that rests on a time, or a time to be given
 * to a local copy, asks MDTM. A file it cannot tell about keeps its LIST date.
 */
export async function refineTimes(core: ClientCore, root: string, tree: Tree, paths: string[], options: { concurrency: number; signal?: AbortSignal | undefined }): Promise<void> {
  const coarse = paths.filter((rel) => (tree.nodes.get(rel)?.window ?? 0) > 0);
  if (coarse.length === 0 || core.features?.mdtm === false) return;
  const chunks: string[][] = [];
  for (let i = 0; i < coarse.length; i += PER_LEASE) chunks.push(coarse.slice(i, i + PER_LEASE));
  await runQueue(chunks, options.concurrency, async (chunk) => {
    await core.run({ name: 'mdtm', path: remotePath(root, chunk[0]!), fallback: null, signal: options.signal }, (attempt) =>
      attempt.use(async (connection) => {
        for (const rel of chunk) {
          const node = tree.nodes.get(rel)!;
          if (node.window === 0) continue; // done by an earlier try
          const time = await remoteModified(connection, remotePath(root, rel));
          if (time) Object.assign(node, { time: time.getTime(), window: 0 });
        }
        return null;
      }),
    );
  });
}
