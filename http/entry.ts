import type { FileInfo } from '../server/index.js';

/**
 * A listing entry as the web API sends it: the design's listing entry (what the client's
 * `list` and `metadata` return), with `modified` as ISO 8601 text because JSON has no
 * dates.
 */
export interface WebEntry {
  name: string;
  path: string;
  size: number;
  dir: boolean;
  modified: string | null;
  /** Permission bits in octal, as `chmod` takes them: `'644'`. */
  permissions: string | null;
  type: 'file' | 'dir' | 'link' | 'other';
}

export function webEntry(info: FileInfo): WebEntry {
  const time = info.modified.getTime();
  return {
    name: info.name,
    path: info.path,
    size: info.kind === 'file' ? info.size : 0,
    dir: info.kind === 'dir',
    modified: Number.isNaN(time) ? null : info.modified.toISOString(),
    permissions: (info.mode & 0o777).toString(8).padStart(3, '0'),
    type: info.kind,
  };
}
