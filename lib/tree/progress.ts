import { guarded } from '../client/options.js';
import type { TreeAction, TreeProgress, TreeProgressCallback } from './options.js';

/** Counts a tree operation's actions and bytes into its progress callback. */
export class TreeMeter {
  readonly #report: TreeProgressCallback;
  readonly total: number;
  readonly totalBytes: number;
  done = 0;
  bytes = 0;

  constructor(callback: TreeProgressCallback | undefined, total: number, totalBytes: number) {
    this.#report = guarded(callback);
    this.total = total;
    this.totalBytes = totalBytes;
  }

  /** A transfer's progress callback for `path` (a file of `size` bytes): reports bytes as they cross. */
  bytesOf(path: string, action: TreeAction, size: number): (bytes: number) => void {
    let seen = 0;
    return (bytes) => {
      // A retried transfer starts counting again: only bytes past what was seen are new.
      if (bytes > seen) {
        this.bytes += bytes - seen;
        seen = bytes;
      }
      this.#send(path, action, null, { bytes: seen, size });
    };
  }

  finished(path: string, action: TreeAction, ok: boolean): void {
    this.done += 1;
    this.#send(path, action, ok);
  }

  #send(path: string, action: TreeAction, ok: boolean | null, file?: TreeProgress['file']): void {
    this.#report({ path, action, ok, done: this.done, total: this.total, bytes: this.bytes, totalBytes: this.totalBytes, ...(file ? { file } : {}) });
  }
}
