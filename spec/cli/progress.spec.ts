// The output layer without a network: bars drawn and erased on a (fake) terminal, plain
// lines elsewhere, warnings once, the JSON document written last.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { formatBytes, formatDuration } from '../../lib/cli/format.js';
import { Output, type OutStream } from '../../lib/cli/output.js';
import { barLine, Progress } from '../../lib/cli/progress.js';

function stream(tty: boolean, columns = 100): OutStream & { text: () => string } {
  const chunks: string[] = [];
  const out = Object.assign(new PassThrough(), { isTTY: tty, columns });
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return Object.assign(out, { text: () => chunks.join('') });
}

describe('progress and output', () => {
  it('formats sizes and durations', () => {
    assert.deepEqual([0, 1023, 1536, 10 * 1024 * 1024, 5 * 1024 ** 4].map(formatBytes), ['0 B', '1023 B', '1.5 KiB', '10 MiB', '5.0 TiB']);
    assert.deepEqual([0, 75, 3700].map(formatDuration), ['0:00', '1:15', '1:01:40']);
  });

  it('a bar has the share, bytes, rate and ETA when the size is known, and fits the width', () => {
    const line = barLine('a.txt -> /up/a.txt', 512 * 1024, 1024 * 1024, 1, 100);
    assert.match(line, /^a\.txt -> \/up\/a\.txt +\[={10} {10}\] +50% +512 KiB\/1\.0 MiB +512 KiB\/s +ETA +0:01$/);
    assert.equal(line.length, 100);
    const unknown = barLine('stream', 2048, null, 2, 60);
    assert.match(unknown, /^stream +2\.0 KiB +1\.0 KiB\/s$/);
    const narrow = barLine('a/very/long/path/that/cannot/fit/in/forty/columns.bin', 10, 100, 1, 40);
    assert.ok(narrow.length <= 40 && narrow.startsWith('…'), narrow);
  });

  it('on a terminal: bars on stderr, erased before a line is printed and drawn again after', () => {
    const stdout = stream(true);
    const stderr = stream(true);
    const output = new Output('text', { stdout, stderr });
    let now = 0;
    const progress = new Progress(output, () => now);
    const task = progress.task('big.bin', 1000);
    now = 1000;
    task.update(500);
    progress.totals = { done: 0, count: 2, bytes: 500, totalBytes: 2000 };
    assert.equal(progress.lines().length, 2);
    progress.draw();
    assert.match(stderr.text(), /big\.bin .*50%.*ETA +0:01\ntotal 0\/2 .*25%/);
    task.end('uploaded big.bin');
    assert.equal(stdout.text(), 'uploaded big.bin\n');
    // erased (up two lines, clear) before the line, then the total alone drawn again
    assert.match(stderr.text(), /\r\x1b\[2A\x1b\[J(?:(?!\n).)*total 0\/2[^\n]*\n$/);
    progress.finish();
    assert.match(stderr.text(), /\r\x1b\[1A\x1b\[J$/);
    assert.equal(output.live, null);
  });

  it('not on a terminal: no bars, only the lines', () => {
    const stdout = stream(false);
    const stderr = stream(false);
    const output = new Output('text', { stdout, stderr });
    const progress = new Progress(output);
    const task = progress.task('a', 10);
    task.update(10);
    progress.draw();
    task.end('done a');
    progress.finish();
    assert.equal(stdout.text(), 'done a\n');
    assert.equal(stderr.text(), '');
  });

  it('warnings once each; quiet keeps data and warnings; json writes one document with them at the end', () => {
    const quiet = { stdout: stream(false), stderr: stream(false) };
    const q = new Output('quiet', quiet);
    q.note('status');
    q.data('name');
    q.warning('list /x failed', 'FTPPY_ERR_REPLY');
    q.warning('list /x failed', 'FTPPY_ERR_REPLY');
    assert.equal(quiet.stdout.text(), 'name\n');
    assert.equal(quiet.stderr.text(), 'warning: list /x failed\n');
    const json = { stdout: stream(false), stderr: stream(false) };
    const j = new Output('json', json);
    j.data('name');
    j.json({ ok: false });
    j.warning('late', 'C');
    assert.equal(json.stdout.text(), '');
    j.flush();
    assert.deepEqual(JSON.parse(json.stdout.text()), { ok: false, warnings: [{ message: 'late', code: 'C' }] });
    assert.equal(json.stderr.text(), '');
  });
});
