import { isPartName } from '../client/part-file.js';
import { byPath, depthOf, isWithin, type Tree, type TreeNode } from './nodes.js';
import { newer } from './times.js';

/**
 * What a tree operation makes of the two trees:
 * - `up`, `down`: the source's files go where they are missing or differ in size or are
 *   newer on the source; nothing is deleted.
 * - `both`: each side's new files go to the other; where both have a file, the newer one
 *   wins; nothing is deleted.
 * - `mirror`: upload where missing or different in size or time either way, and delete
 *   on the server what the local side does not have.
 * - `restore`: download where missing or different in size or time either way; local
 *   files the backup does not have are kept.
 */
export type PlanMode = 'up' | 'down' | 'both' | 'mirror' | 'restore';

export interface FileMove {
  path: string;
  size: number;
  /** The source's time, carried to the copy (ms), when known. */
  time: number | null;
  /** `time` is a LIST date, only to the minute or day: the exact one is asked as the file comes down. */
  coarse: boolean;
}

export interface Removal {
  path: string;
  dir: boolean;
}

export interface Plan {
  /** Already alike on both sides. */
  same: string[];
  /** Paths left alone because they cannot be synced; `why` is null when a warning has said it already (an unreadable folder). */
  refused: { path: string; why: string | null }[];
  /** Folders to create, parents before children. */
  localDirs: string[];
  remoteDirs: string[];
  uploads: FileMove[];
  downloads: FileMove[];
  /** Remote paths removed before anything is sent: a name the local side uses for the other kind (mirror). */
  clear: Removal[];
  /** Remote paths removed after the transfers (mirror). */
  removals: Removal[];
  /** Folders whose listing had lines in no known format (warned): reported false whatever was done in them ('.' the root). */
  incomplete: string[];
}

type Action = 'same' | 'send' | 'mkdir' | 'clear+send' | 'clear+mkdir' | 'remove' | 'skip' | { refuse: string | null };

const unknownIn = (tree: Tree, rel: string): boolean => tree.unread.some((dir) => isWithin(rel, dir));
/** Whether `rel`, absent from `tree`, may be there after all: a folder above it was listed in part. */
const absenceUnknown = (tree: Tree, rel: string): boolean => tree.partial?.some((dir) => rel !== dir && isWithin(rel, dir)) === true;
const nameOf = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);

/** Whether the copy `to` of file `from` is up to date, for a one-way mode. */
function fileIsCurrent(mode: PlanMode, from: TreeNode, to: TreeNode): boolean {
  if (from.size !== to.size) return false;
  const which = newer(from, to);
  return mode === 'mirror' || mode === 'restore' ? which === 'same' || which === 'unknown' : which !== 'a';
}

/** One way: from the source tree to the target tree. */
function oneWay(mode: PlanMode, source: TreeNode | undefined, target: TreeNode | undefined): Action {
  const mirror = mode === 'mirror';
  if (!source) return mirror && target ? 'remove' : 'skip';
  if (source.kind === 'other') return 'skip';
  if (source.kind === 'dir') {
    if (!target) return 'mkdir';
    if (target.kind === 'dir') return 'same';
    return mirror ? 'clear+mkdir' : { refuse: 'a folder on one side is not one on the other' };
  }
  if (!target) return 'send';
  if (target.kind !== 'file') return mirror ? 'clear+send' : { refuse: 'a file on one side is not a plain file on the other' };
  return fileIsCurrent(mode, source, target) ? 'same' : 'send';
}

/** Both ways: `send` means upload, `fetch` download. */
function bothWays(local: TreeNode | undefined, remote: TreeNode | undefined): Action | 'fetch' | 'mkdir-local' {
  if (!local || !remote) {
    const only = (local ?? remote)!;
    if (only.kind === 'other') return 'skip';
    if (only.kind === 'dir') return local ? 'mkdir' : 'mkdir-local';
    return local ? 'send' : 'fetch';
  }
  if (local.kind === 'other' && remote.kind === 'other') return 'skip';
  if (local.kind !== remote.kind) return { refuse: 'a different kind of thing on each side (file, folder or link)' };
  if (local.kind === 'dir') return 'same';
  const which = newer(local, remote);
  if (which === 'a') return 'send';
  if (which === 'b') return 'fetch';
  if (local.size === remote.size) return 'same';
  return { refuse: which === 'same' ? 'changed on both sides within the same second' : 'sizes differ and a side has no time to tell which is newer' };
}

/** Compares the trees (each null when its root is missing: empty) and says what to do. */
export function plan(mode: PlanMode, local: Tree, remote: Tree): Plan {
  const out: Plan = { same: [], refused: [], localDirs: [], remoteDirs: [], uploads: [], downloads: [], clear: [], removals: [], incomplete: [] };
  for (const tree of [local, remote]) for (const dir of tree.partial ?? []) out.incomplete.push(dir === '' ? '.' : dir);
  const up = mode === 'up' || mode === 'mirror';
  const source = up ? local : remote;
  const target = up ? remote : local;
  const keys = new Set([...local.nodes.keys(), ...remote.nodes.keys()]);
  const cleared: string[] = [];
  const refusedDirs: string[] = [];
  for (const rel of [...keys].sort(byPath)) {
    const l = local.nodes.get(rel);
    const r = remote.nodes.get(rel);
    if (isPartName(nameOf(rel))) {
      // Leftovers of interrupted transfers: only a mirror, which owns the server's side, removes them.
      if (mode === 'mirror' && r && !l && !unknownIn(local, rel)) out.removals.push({ path: rel, dir: r.kind === 'dir' });
      continue;
    }
    const action = mode === 'both' ? bothWays(l, r) : oneWay(mode, up ? l : r, up ? r : l);
    if (action === 'skip') continue;
    // A side whose folder could not be listed is not known here: nothing is done on the
    // strength of it. Below a refused path, the refusal's warning speaks for everything.
    const unknown = (mode === 'both' ? unknownIn(local, rel) || unknownIn(remote, rel) : action === 'remove' ? unknownIn(source, rel) : unknownIn(target, rel) || unknownIn(source, rel)) ||
      (!l && absenceUnknown(local, rel)) || (!r && absenceUnknown(remote, rel));
    if (unknown || refusedDirs.some((dir) => isWithin(rel, dir))) {
      out.refused.push({ path: rel, why: null });
      continue;
    }
    const node = (up ? l : r) ?? (l ?? r)!;
    const move = (from: TreeNode): FileMove => ({ path: rel, size: from.size, time: from.time, coarse: from.window > 0 });
    switch (action) {
      case 'same':
        out.same.push(rel);
        break;
      case 'remove':
        (cleared.some((dir) => isWithin(rel, dir)) ? out.clear : out.removals).push({ path: rel, dir: node.kind === 'dir' });
        break;
      case 'clear+send':
      case 'clear+mkdir':
        out.clear.push({ path: rel, dir: r!.kind === 'dir' });
        cleared.push(rel);
        if (action === 'clear+mkdir') out.remoteDirs.push(rel);
        else out.uploads.push(move(l!));
        break;
      case 'mkdir':
        (up || mode === 'both' ? out.remoteDirs : out.localDirs).push(rel);
        break;
      case 'mkdir-local':
        out.localDirs.push(rel);
        break;
      case 'send':
        if (up || mode === 'both') out.uploads.push(move(l!));
        else out.downloads.push(move(r!));
        break;
      case 'fetch':
        out.downloads.push(move(r!));
        break;
      default:
        out.refused.push({ path: rel, why: action.refuse });
        refusedDirs.push(rel);
    }
  }
  const shallowFirst = (a: string, b: string): number => depthOf(a) - depthOf(b) || byPath(a, b);
  out.remoteDirs.sort(shallowFirst);
  out.localDirs.sort(shallowFirst);
  return out;
}

/**
 * The remote files whose LIST dates are worth replacing by MDTM's exact times before
 * planning: those a decision rests on, because both sides have the file with the same
 * size (or, both ways, at all: the newer one wins). Files that are only downloaded ask
 * for their time as they come (`FileMove.coarse`).
 */
export function timeQuestions(mode: PlanMode, local: Tree, remote: Tree): string[] {
  const asked: string[] = [];
  for (const [rel, node] of remote.nodes) {
    if (node.kind !== 'file' || node.window === 0) continue;
    const mine = local.nodes.get(rel);
    if (mine?.kind === 'file' && (mode === 'both' || mine.size === node.size)) asked.push(rel);
  }
  return asked;
}
