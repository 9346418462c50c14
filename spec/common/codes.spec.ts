// One vocabulary of codes: every FTPPY_* code the sources use is declared in
// common/errors.ts, follows the one scheme, and has its row in the README's table.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ERROR_CODES, NOTICE_CODES } from '../../common/errors.js';

const repo = join(import.meta.dirname, '../..');
const declared: readonly string[] = [...ERROR_CODES, ...NOTICE_CODES];

function sources(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

it('every quoted FTPPY_* code in the sources is declared in common/errors.ts', { timeout: 20_000 }, () => {
  const used = new Set<string>();
  for (const file of ['common', 'protocol', 'pool', 'server', 'http', 'lib'].flatMap(sources)) {
    for (const m of readFileSync(join(repo, file), 'utf8').matchAll(/['"](FTPPY_[A-Z_]+)['"]/g)) used.add(`${m[1]} in ${file}`);
  }
  assert.ok(used.size > 10, 'the scan found almost nothing: it is broken');
  assert.deepEqual([...used].filter((use) => !declared.includes(use.split(' ')[0]!)), []);
});

it('errors are FTPPY_ERR_*, notices FTPPY_WARN_*', () => {
  assert.deepEqual(ERROR_CODES.filter((code) => !code.startsWith('FTPPY_ERR_')), []);
  assert.deepEqual(NOTICE_CODES.filter((code) => !code.startsWith('FTPPY_WARN_')), []);
});

it("the README's table has one row per code, and no row for a code that is not", () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `(FTPPY_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
  assert.deepEqual([...rows].sort(), [...declared].sort());
});
