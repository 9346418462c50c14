// Runs the benchmarks one after another, each in its own process so that one's garbage
// and JIT state do not colour the next: every bench/*.bench.ts, or those whose names
// contain an argument (`npm run bench -- parsers`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
if (!existsSync(join(import.meta.dirname, 'node_modules'))) {
  console.error('bench/ has its own dependencies (the libraries we compare with): run `(cd bench && npm ci)` first');
  process.exit(1);
}
const filters = process.argv.slice(2);
const benches = readdirSync(import.meta.dirname)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((word) => name.includes(word)))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ')}`);
  process.exit(1);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n== ${bench}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join('bench', bench)], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
