import { warn } from '../../common/warnings.js';
import type { ClientCore } from '../client/core.js';
import { runQueue } from '../client/work-queue.js';
import { downloadedDigest, remoteDigest, remoteHasher } from './checksum.js';
import { resultObject } from './execute.js';
import { readManifest } from './manifest.js';
import { remotePath } from './nodes.js';
import type { TreeOptions } from './options.js';
import { TreeMeter } from './progress.js';

/**
 * `verifyBackup(backup)`: whether each file the backup's manifest names still has the
 * SHA-256 it had when the backup was taken. The server's HASH (or XSHA256) answers where
 * it can compute SHA-256; any other server's file is downloaded and hashed here (nothing
 * is stored). A backup without a manifest cannot be verified: {} with a warning.
 */
export async function verifyBackup(core: ClientCore, backup: string, options: TreeOptions): Promise<Record<string, boolean>> {
  const root = core.resolve(backup);
  const manifest = await readManifest(core, root, options.signal);
  if (manifest === null) warn(`verifyBackup ${root}: the backup has no manifest to verify it against`, 'FTPPY_ERR_MISSING');
  if (!manifest) return {};
  const files = manifest.entries.filter((entry) => entry.type === 'file');
  const hasher = remoteHasher(core.features);
  const serverHashes = hasher?.algorithm === 'SHA-256' ? hasher : null;
  const results = new Map<string, boolean>();
  const meter = new TreeMeter(options.progress, files.length, 0);
  await runQueue(files, options.concurrency ?? core.settings.limits.connections, async (entry) => {
    const path = remotePath(root, entry.path);
    let digest: string | null | false = null;
    if (serverHashes) {
      digest = await core.run<string | null | false>({ name: 'verifyBackup', path, fallback: false, signal: options.signal }, (attempt) =>
        attempt.use((connection) => remoteDigest(connection, path, serverHashes)),
      );
    }
    if (digest === null) digest = (await downloadedDigest(core, path, 'SHA-256', options.signal)) ?? false;
    const ok = digest !== false && digest === entry.sha256;
    results.set(entry.path, ok);
    meter.finished(entry.path, 'verify', ok);
  });
  return resultObject(results);
}
