// A hostile server's names and messages reach the terminal: control characters in them
// (ESC sequences move the cursor, retitle the window, hide lines) are shown escaped, as
// `\x1b`; the JSON output keeps them, escaped by JSON itself.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Output } from '../../lib/cli/output.js';
import { ftppy, specServer } from './support/cli.js';

const server = specServer();
const hostile = 'a\x1b]0;pwned\x07\x1b[2Jb\x7f\x9b.txt';

describe('control characters in remote names on the terminal', () => {
  it('ftppy ls shows them escaped, and --json keeps the name', { timeout: 30_000 }, async () => {
    mkdirSync(join(server.root, 'pub', 'ctl'));
    writeFileSync(join(server.root, 'pub', 'ctl', hostile), 'x');
    const r = await ftppy(['ls', server.url('/pub/ctl')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a\\x1b]0;pwned\\x07\\x1b[2Jb\\x7f\\x9b.txt\n');
    const json = await ftppy(['ls', server.url('/pub/ctl'), '--json']);
    assert.deepEqual(JSON.parse(json.stdout).entries.map((entry: { name: string }) => entry.name), [hostile]);
  });

  it('every line Output prints (data, notes, warnings, errors) is escaped, line breaks kept', () => {
    let text = '';
    const stream = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
    const output = new Output('text', { stdout: stream, stderr: stream });
    output.data(`one\x1b[31m\ttwo\nthree\r`);
    output.warning('550 \x1b[2J gone');
    assert.equal(text, 'one\\x1b[31m\ttwo\nthree\\x0d\nwarning: 550 \\x1b[2J gone\n');
  });
});
