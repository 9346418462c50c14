import { HASH_ALGORITHMS, digestSink, type HashAlgorithm } from '../../common/hash.js';
import type { ClientCore } from '../client/core.js';
import { downloadTo } from '../client/download.js';

export { localDigest, remoteDigest, remoteHasher, type RemoteHasher } from '../client/digest.js';

/** The digest of a remote file downloaded and hashed on the way (nothing is stored); null when the download failed (warned). */
export async function downloadedDigest(core: ClientCore, remote: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string | null> {
  const { sink, digest } = digestSink(algorithm);
  digest.catch(() => {});
  const ok = await downloadTo(core, remote, sink, signal ? { signal } : {});
  return ok ? digest : null;
}

export const FALLBACK_ALGORITHM: HashAlgorithm = HASH_ALGORITHMS[0];
