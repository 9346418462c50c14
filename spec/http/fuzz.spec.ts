// Whole HTTP requests over raw sockets: split at every byte, cut at every byte, mutated
// and random. Whatever arrives, the server answers (or closes) and goes on serving, no
// temporary file stays behind, and the target name holds either nothing or a complete
// upload, never a partial one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { mutate, randomBytes, seeded } from '../helpers/chunks.js';
import { until } from '../helpers/wait.js';
import { ALICE, ask, formBody, leftovers, startWeb, type WebFixture } from './support/web.js';

const CONTENT = 'fuzzed upload body\r\n--not-the-boundary\r\nend\n';

/** A complete POST of one file part to `path`, as bytes on the wire. */
function postRequest(path: string, connection = 'close'): Buffer {
  const { body, contentType } = formBody([{ filename: 'f.txt', content: CONTENT }], 'fuzzb');
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${Buffer.from(ALICE).toString('base64')}\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\nConnection: ${connection}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

/** Sends the pieces one by one (a pause between, so they arrive apart), then reads until the server closes. */
function exchange(port: number, pieces: Buffer[], endAfter = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, async () => {
      socket.setNoDelay(true);
      for (const piece of pieces) {
        socket.write(piece);
        await sleep(1);
      }
      if (endAfter) socket.end();
    });
    const got: Buffer[] = [];
    socket.on('data', (c: Buffer) => got.push(c));
    socket.on('error', () => resolve(Buffer.concat(got).toString('latin1'))); // a reset is an answer too
    socket.on('close', () => resolve(Buffer.concat(got).toString('latin1')));
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error('no answer within 10 s'));
    });
  });
}

const statusOf = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

/** Handlers finish (and throw temporary files away) just after the socket closes: wait for it. */
async function noLeftovers(root: string): Promise<void> {
  await until(() => leftovers(root).length === 0, 'the handlers to throw their temporary files away');
}

describe('requests split, cut, mutated and random', () => {
  let w: WebFixture;
  const target = (): string => join(w.root, 'upload/fuzz.txt');
  before(async () => (w = await startWeb({ limits: { bodyBytes: 64 * 1024, parts: 4 } })));
  after(() => w.close());

  it('a request split in two at every byte gives the same upload', async () => {
    const request = postRequest('/files/upload/fuzz.txt');
    for (let at = 1; at < request.length; at++) {
      rmSync(target(), { force: true });
      const answer = await exchange(w.port, [request.subarray(0, at), request.subarray(at)]);
      assert.equal(statusOf(answer), 201, `split at ${at}: ${answer.slice(0, 200)}`);
      assert.equal(readFileSync(target(), 'utf8'), CONTENT, `split at ${at}`);
    }
    await noLeftovers(w.root);
  });

  it('a request sent one byte at a time gives the same upload', async () => {
    rmSync(target(), { force: true });
    const request = postRequest('/files/upload/fuzz.txt');
    const bytes = Array.from({ length: request.length }, (_, i) => request.subarray(i, i + 1));
    assert.equal(statusOf(await exchange(w.port, bytes)), 201);
    assert.equal(readFileSync(target(), 'utf8'), CONTENT);
  });

  it('a request cut at every byte never leaves anything under the target name', async () => {
    const request = postRequest('/files/upload/fuzz.txt');
    rmSync(target(), { force: true });
    for (let at = 1; at < request.length; at++) {
      const answer = await exchange(w.port, [request.subarray(0, at)], true);
      const status = statusOf(answer);
      assert.ok(status === 0 || status === 400, `cut at ${at}: ${answer.slice(0, 120)}`);
      assert.equal(existsSync(target()), false, `cut at ${at}`);
    }
    await noLeftovers(w.root);
  });

  it('mutated multipart bodies: a JSON answer, and a complete file or none', async () => {
    const random = seeded(42);
    const { body, contentType } = formBody([{ filename: 'f.txt', content: CONTENT }], 'fuzzb');
    for (let n = 0; n < 400; n++) {
      rmSync(target(), { force: true });
      const input = mutate(body, random);
      const a = await ask(w.port, 'POST', '/files/upload/fuzz.txt', { auth: ALICE, body: input, headers: { 'Content-Type': contentType } });
      const answer = a.json<{ status?: number; files?: { size: number }[] }>();
      if (a.status === 201) {
        assert.equal(statSync(target()).size, answer.files?.[0]?.size, `case ${n}`);
      } else {
        assert.ok(a.status === 400 || a.status === 413, `case ${n}: ${a.status} ${a.text}`);
        assert.equal(answer.status, a.status);
        assert.equal(existsSync(target()), false, `case ${n}`);
      }
    }
    await noLeftovers(w.root);
  });

  it('random bodies and random boundaries: 400 or 413, never a file', async () => {
    const random = seeded(7);
    for (let n = 0; n < 200; n++) {
      rmSync(target(), { force: true });
      const boundary = n % 2 === 0 ? 'fuzzb' : randomBytes(random, 1 + Math.floor(random() * 20)).toString('latin1').replace(/[\r\n"]/g, '');
      const body = Buffer.concat([Buffer.from(`--fuzzb\r\n`), randomBytes(random, Math.floor(random() * 600))]);
      const a = await ask(w.port, 'POST', '/files/upload/fuzz.txt', {
        auth: ALICE, body, headers: { 'Content-Type': `multipart/form-data; boundary=${encodeURIComponent(boundary)}` },
      });
      assert.ok(a.status === 400 || a.status === 413, `case ${n}: ${a.status} ${a.text}`);
      assert.equal(existsSync(target()), false, `case ${n}`);
    }
    await noLeftovers(w.root);
  });

  it('random and mutated bytes as whole requests: the server answers or closes, and lives on', async () => {
    const random = seeded(99);
    const valid = postRequest('/files/upload/fuzz.txt');
    for (let n = 0; n < 150; n++) {
      rmSync(target(), { force: true });
      const bytes = n % 3 === 0 ? randomBytes(random, 1 + Math.floor(random() * 400)) : mutate(valid, random);
      const answer = await exchange(w.port, [bytes], true);
      const status = statusOf(answer);
      // No answer at all can mean a complete request whose answer our half-close threw
      // away (Node aborts a request whose client half-closes); cut requests are the
      // previous tests' business.
      if (status === 201) assert.equal(existsSync(target()), true);
      else if (status !== 0) assert.equal(existsSync(target()), false, `case ${n}: ${answer.slice(0, 120)}`);
    }
    await noLeftovers(w.root);
    assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt')).status, 200);
  });
});
