import type { TreeAction, TreeProgress } from '../tree/options.js';
import { formatBytes, formatElapsed } from './format.js';
import type { Output } from './output.js';
import { Progress, type Task } from './progress.js';

const done: Record<TreeAction, string> = { upload: 'uploaded', download: 'downloaded', mkdir: 'made folder', delete: 'deleted', verify: 'same' };
const planned: Record<TreeAction, string> = { upload: 'would upload', download: 'would download', mkdir: 'would make folder', delete: 'would delete', verify: 'same' };
const counted: Record<TreeAction, string> = { upload: 'uploaded', download: 'downloaded', mkdir: 'made', delete: 'deleted', verify: 'same' };
const countedPlan: Record<TreeAction, string> = { upload: 'to upload', download: 'to download', mkdir: 'to make', delete: 'to delete', verify: 'same' };

/** `3 uploaded`, `1 folder made`, `2 folders to make`. */
function count(action: TreeAction, n: number, dryRun: boolean): string {
  const noun = action === 'mkdir' ? (n === 1 ? ' folder' : ' folders') : '';
  return `${n}${noun} ${(dryRun ? countedPlan : counted)[action]}`;
}

/**
 * Shows a tree operation (sync, mirror, backup, restore, verify) as it runs: a bar per
 * file moving, a total, a line per path changed; then a summary of what was done.
 */
export class TreeReport {
  readonly #output: Output;
  readonly #dryRun: boolean;
  readonly #progress: Progress;
  readonly #tasks = new Map<string, Task>();
  /** Paths an action was reported for, and the count of each finished action. */
  readonly #touched = new Set<string>();
  readonly counts: Partial<Record<TreeAction, number>> = {};
  #lastBytes = 0;
  #bytes = 0;

  constructor(output: Output, dryRun = false) {
    this.#output = output;
    this.#dryRun = dryRun;
    this.#progress = new Progress(output);
  }

  readonly callback = (event: TreeProgress): void => {
    // Each meter counts bytes from 0 (backup runs one per source): a drop is a new meter.
    if (event.bytes < this.#lastBytes) this.#lastBytes = 0;
    const delta = event.bytes - this.#lastBytes;
    this.#lastBytes = event.bytes;
    this.#bytes += delta;
    this.#progress.totals = { done: event.done, count: event.total, bytes: event.bytes, totalBytes: event.totalBytes };
    const key = `${event.action} ${event.path}`;
    if (event.ok === null) {
      let task = this.#tasks.get(key);
      if (!task) this.#tasks.set(key, (task = this.#progress.task(`${event.action} ${event.path}`, event.file?.size ?? null)));
      if (event.file) task.update(event.file.bytes, event.file.size);
      else task.update(task.bytes + delta);
      return;
    }
    this.#touched.add(event.path);
    const task = this.#tasks.get(key);
    this.#tasks.delete(key);
    if (event.ok) this.counts[event.action] = (this.counts[event.action] ?? 0) + 1;
    const line = event.action === 'verify'
      ? `${event.ok ? 'same   ' : 'differs'} ${event.path}`
      : event.ok ? `${(this.#dryRun ? planned : done)[event.action]} ${event.path}` : undefined;
    if (task) task.end(line);
    else if (line !== undefined) this.#output.note(line);
  };

  /**
   * Ends the bars and prints the summary: `name: 3 uploaded, 1 deleted, 5 unchanged, 1
   * failed, 2.0 MiB in 0.4 s`. Unchanged are the results no action was reported for;
   * `unchanged: false` when results are not per path (backup's are per source).
   */
  finish(name: string, results: Record<string, boolean>, { unchanged: countUnchanged = true } = {}): void {
    this.#progress.finish();
    const failed = Object.values(results).filter((ok) => !ok).length;
    const unchanged = Object.entries(results).filter(([path, ok]) => ok && !this.#touched.has(path)).length;
    const parts = Object.entries(this.counts).map(([action, n]) => count(action as TreeAction, n, this.#dryRun));
    if (countUnchanged && unchanged > 0) parts.push(`${unchanged} unchanged`);
    if (failed > 0) parts.push(`${failed} ${name === 'verify' ? 'differ' : 'failed'}`);
    if (parts.length === 0) parts.push('nothing to do');
    const moved = this.#bytes > 0 ? `, ${formatBytes(this.#bytes)}` : '';
    this.#output.note(`${name}${this.#dryRun ? ' (dry run)' : ''}: ${parts.join(', ')}${moved} in ${formatElapsed(this.#progress.elapsed)}`);
  }
}
