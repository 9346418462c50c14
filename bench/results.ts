// bench/RESULTS.md holds one section per benchmark, each between its own markers, so that
// a benchmark rewrites its figures without touching the others'.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const file = join(import.meta.dirname, 'RESULTS.md');
const HEADER = '# Benchmark results\n\nEach section is rewritten by its benchmark (`npm run bench -- <name>`).\n';

/** `nproc`, the CPU model, the Node version and the load when the run began, for the record. */
export function machine(): string {
  let nproc = String(availableParallelism());
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // not every system has nproc; Node's count is the same number
  }
  const load = loadavg()[0]!.toFixed(2);
  return `nproc ${nproc} (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, load ${load} at the start, ${new Date().toISOString().slice(0, 10)}`;
}

export function writeSection(name: string, markdown: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}

/** A Markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [headers, headers.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** How a benchmark was run: the FTPPY_BENCH_* settings given (and TMPDIR, where the work lives), then `npm run bench -- <name>`. */
export function command(name: string): string {
  const settings = Object.entries(process.env)
    .filter(([key]) => key.startsWith('FTPPY_BENCH_') || key === 'TMPDIR')
    .map(([key, value]) => `${key}=${value}`)
    .sort();
  return [...settings, `npm run bench -- ${name}`].join(' ');
}
