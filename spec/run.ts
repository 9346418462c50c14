// Runs every spec/**/*.spec.ts with node:test through tsx. Node 20's `--test` does not
// expand globs itself, and a shell's `**` is not recursive everywhere, so the files are
// found here. Arguments narrow the run: `npm test -- reply` runs the files whose path
// contains "reply".
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function specs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : specs(path);
    return entry.name.endsWith('.spec.ts') ? [relative(root, path)] : [];
  });
}

const filters = process.argv.slice(2);
const files = specs(join(root, 'spec'))
  .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
  .sort();
if (files.length === 0) {
  console.error(`no spec files match ${filters.join(' ')}`);
  process.exit(1);
}
const concurrency = process.env.FTPPY_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
