import { isSidecar } from './dead-properties.js';
import { isWithin, joinPath } from './path.js';
import type { Storage } from './storage.js';
import { TimeSlice } from './time-slice.js';

// What each home holds, for quotas: counted once by walking it (at the first upload,
// SITE QUOTA or web status that needs it), then kept current by the server's own writes,
// whoever makes them (an account whose home is `/` writing into `/home/bob` changes
// bob's usage too). Changes made behind the server's back are seen after a restart.

/** Files (not folders, not links) and their bytes, below one home. */
export interface Usage {
  bytes: number;
  files: number;
  /** False when the walk stopped at its bound (WALK_ENTRIES): the figures are a lower bound. */
  complete: boolean;
}

/** Entries a walk looks at, at most: a bound on the work one first use can cause. */
export const WALK_ENTRIES = 1_000_000;
const SLICE_MS = 10;

/** Temporary uploads are the server's business, never a user's files (user-fs.ts). */
const TEMPORARY = /^\.ftppy-upload\.[0-9a-f]{8}\.[0-9a-z]+$/;

async function walk(storage: Storage, home: string): Promise<Usage> {
  const usage: Usage = { bytes: 0, files: 0, complete: true };
  const slice = new TimeSlice(SLICE_MS);
  const folders = [home];
  let seen = 0;
  while (folders.length > 0) {
    const folder = folders.pop()!;
    try {
      for await (const entry of storage.list(folder)) {
        if (++seen > WALK_ENTRIES) {
          usage.complete = false;
          return usage;
        }
        if (slice.due()) await slice.pause();
        const path = joinPath(folder, entry.name);
        // WebDAV's dead properties are the server's bookkeeping, not the account's files.
        if (isSidecar(path)) continue;
        if (entry.stat.kind === 'dir') folders.push(path);
        else if (entry.stat.kind === 'file' && !TEMPORARY.test(entry.name)) {
          usage.bytes += entry.stat.size;
          usage.files += 1;
        }
      }
    } catch {
      // A folder that cannot be read holds nothing the account could use either.
    }
  }
  return usage;
}

/** The usage of every home some quota has needed, by real storage path. */
export class UsageBook {
  readonly #storage: Storage;
  readonly #homes = new Map<string, Promise<Usage>>();
  /** The homes whose walk is done, for change() to update synchronously. */
  readonly #known = new Map<string, Usage>();

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** The usage of `home` (a real storage path), walked at the first call. */
  of(home: string): Promise<Usage> {
    let usage = this.#homes.get(home);
    if (!usage) {
      usage = walk(this.#storage, home).then((counted) => {
        this.#known.set(home, counted);
        return counted;
      });
      this.#homes.set(home, usage);
      // A failed walk is walked again next time rather than remembered.
      usage.catch(() => this.#homes.delete(home));
    }
    return usage;
  }

  /** True when some counted home holds `path`: its writes must be counted. */
  tracks(path: string): boolean {
    for (const home of this.#known.keys()) if (isWithin(home, path)) return true;
    return false;
  }

  /** True when the same counted homes hold `a` and `b`: a move between them changes no usage. */
  sameHomes(a: string, b: string): boolean {
    for (const home of this.#known.keys()) if (isWithin(home, a) !== isWithin(home, b)) return false;
    return true;
  }

  /** Forgets the usage of every home holding `path`: walked again at its next use (a folder moved between homes). */
  forget(path: string): void {
    for (const home of [...this.#known.keys()]) {
      if (!isWithin(home, path)) continue;
      this.#known.delete(home);
      this.#homes.delete(home);
    }
  }

  /** A write at `path` (a real storage path) added (or, negative, freed) bytes and files. */
  change(path: string, bytes: number, files: number): void {
    for (const [home, usage] of this.#known) {
      if (!isWithin(home, path)) continue;
      usage.bytes = Math.max(0, usage.bytes + bytes);
      usage.files = Math.max(0, usage.files + files);
    }
  }
}
