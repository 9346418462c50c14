// run(), the command line in process: Ctrl-C (an aborted signal) is exit 130 and no
// warning; --version reads the package's version.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { run } from '../../lib/cli/run.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

function streams(): { stdout: PassThrough; stderr: PassThrough; text: () => { out: string; err: string } } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, text: () => ({ out, err }) };
}

let t: TestServer;
before(async () => {
  t = await startServer();
});
after(() => t.close());

describe('run()', () => {
  it('an interrupted command exits 130, saying so, without a warning', async () => {
    const io = streams();
    const stop = new AbortController();
    stop.abort(new Error('interrupted'));
    const code = await run(['ls', '-R', `ftp://${USER}:${PASSWORD}@127.0.0.1:${t.port}/pub`], { streams: io, signal: stop.signal, env: {} });
    assert.equal(code, 130);
    assert.deepEqual(io.text(), { out: '', err: 'ftppy ls: interrupted\n' });
  });

  it('--version prints the package version', async () => {
    const io = streams();
    assert.equal(await run(['--version'], { streams: io }), 0);
    assert.match(io.text().out, /^ftppy \d+\.\d+\.\d+\n$/);
  });
});
