import { runQueue } from '../client/work-queue.js';
import type { ProgressCallback } from '../client/options.js';
import { formatBytes, formatElapsed, formatRate } from './format.js';
import type { Output } from './output.js';
import { Progress } from './progress.js';

/** One file to move, as `get` and `put` describe it. */
export interface TransferJob {
  /** The result's key: the source as given. */
  key: string;
  /** `source -> target`, for the bar and the line. */
  label: string;
  /** Bytes to move, when known before it starts (a local file's size). */
  size: number | null;
  run(progress: ProgressCallback): Promise<boolean>;
}

/**
 * Runs transfers `limit` at once with a bar each (and a total when there are several),
 * a line per file that arrived, and a summary; results keyed by source.
 */
export async function runTransfers(output: Output, verb: string, jobs: readonly TransferJob[], limit: number): Promise<Record<string, boolean>> {
  const progress = new Progress(output);
  const results: Record<string, boolean> = {};
  const known = jobs.every((job) => job.size !== null);
  const totals = { done: 0, count: jobs.length, bytes: 0, totalBytes: known ? jobs.reduce((sum, job) => sum + job.size!, 0) : null };
  const show = (): void => {
    if (jobs.length > 1) progress.totals = { ...totals };
  };
  show();
  try {
    await runQueue(jobs, limit, async (job) => {
      const task = progress.task(job.label, job.size);
      let counted = 0;
      const ok = await job.run((bytes, total) => {
        // a retry counts from 0 again: only bytes past what was seen are new
        if (bytes > counted) totals.bytes += bytes - counted;
        counted = Math.max(counted, bytes);
        task.update(bytes, total);
        show();
      });
      results[job.key] = ok;
      totals.done += 1;
      show();
      task.end(ok ? `${verb} ${job.label}  ${formatBytes(task.bytes)}` : undefined);
    });
  } finally {
    progress.finish();
  }
  if (jobs.length > 1) {
    const failed = Object.values(results).filter((ok) => !ok).length;
    const seconds = progress.elapsed;
    output.note(`${jobs.length - failed} of ${jobs.length} files, ${formatBytes(totals.bytes)} in ${formatElapsed(seconds)} (${formatRate(seconds > 0 ? totals.bytes / seconds : 0)})${failed ? `; ${failed} failed` : ''}`);
  }
  return results;
}
