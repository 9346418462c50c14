import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { nativePath } from '../../protocol/text.js';
import { isResumablePartOf, resumablePartName } from './part-file.js';

/** Where a download goes on from: its part file, the byte to start at, and whether the part file outlives a failure. */
export interface ResumePoint {
  path: string;
  offset: number;
  /** True: a failed or aborted download leaves the part file for the next run to resume. */
  keep: boolean;
}

export interface RemoteIdentity {
  size: number;
  /** Exact (MDTM or MLSD), or null when the server will not say: then nothing resumes across runs. */
  modified: Date | null;
}

/**
 * The part file a download of `name` into `folder` resumes from across runs: the one
 * named for the remote file's size and time, when it is no longer than the file and the
 * server can restart (REST STREAM). Part files of other versions of the remote file are
 * removed: their bytes belong to a file that is no more. With `resume` off, or no time
 * to tell versions apart, every part file of `name` goes and the caller starts over
 * (null): a file of the same size and an unknown time may be another file.
 */
export function resumePoint(folder: string, name: string, remote: RemoteIdentity, resume: boolean, canRestart: boolean): ResumePoint | null {
  const own = resume && remote.modified ? resumablePartName(name, remote.size, remote.modified) : null;
  // Synchronous, as the upload's stat: a local folder is read in microseconds, less than a
  // trip through libuv's thread pool, and only for files past SMALL_FILE.
  let names: string[] = [];
  try {
    names = readdirSync(nativePath(folder));
  } catch {
    // a folder that is not there yet holds no part file
  }
  for (const n of names) {
    if (n !== own && isResumablePartOf(n, name)) {
      try {
        unlinkSync(nativePath(join(folder, n)));
      } catch {
        // gone meanwhile, or not ours to remove: it is only never resumed
      }
    }
  }
  if (!own) return null;
  const path = join(folder, own);
  let held = 0;
  if (names.includes(own)) {
    try {
      held = statSync(nativePath(path)).size;
    } catch {
      held = 0;
    }
  }
  return { path, offset: canRestart && held <= remote.size ? held : 0, keep: true };
}
