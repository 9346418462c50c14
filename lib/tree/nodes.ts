import { join } from 'node:path';
import { posix } from 'node:path';
import type { ListingEntry } from '../../protocol/listing/index.js';

// A walked tree: every file and directory below a root, keyed by its path relative to
// the root with `/` between names (`docs/a b.txt`), whichever side it is on. That key is
// what tree operations report their results by.

/** What a tree operation does with a name: files and directories; links and the rest are left alone. */
export type NodeKind = 'file' | 'dir' | 'other';

export interface TreeNode {
  kind: NodeKind;
  size: number;
  /** Modification time in ms, or null when the side does not say. */
  time: number | null;
  /**
   * How coarse `time` is, in ms: the true time lies in [time, time + window). 0 for times
   * to the second or better (local files, MLSD, MDTM); a minute or a day for LIST dates.
   */
  window: number;
  /** The server's listing entry, on the remote side. */
  entry?: ListingEntry;
}

export interface Tree {
  nodes: Map<string, TreeNode>;
  /** Relative paths of directories that could not be read ('' is the root): what lies below them is unknown. */
  unread: string[];
  /**
   * Relative paths of directories read with lines in no known listing format (remote
   * only): their entries are real, but what is absent from them may yet be there.
   */
  partial?: string[];
}

/** The remote path of `rel` below `root`. */
export function remotePath(root: string, rel: string): string {
  return rel === '' ? root : posix.join(root, rel);
}

/** The local path of `rel` below `root`. */
export function localPath(root: string, rel: string): string {
  return rel === '' ? root : join(root, ...rel.split('/'));
}

export function childOf(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

export function depthOf(rel: string): number {
  let depth = 0;
  for (let i = 0; i < rel.length; i++) if (rel.charCodeAt(i) === 0x2f) depth++;
  return depth;
}

/** Whether `rel` is `dir` or lies below it. */
export function isWithin(rel: string, dir: string): boolean {
  return dir === '' || rel === dir || rel.startsWith(`${dir}/`);
}

/** Sorted by path, so that results and plans come out in a stable order. */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
