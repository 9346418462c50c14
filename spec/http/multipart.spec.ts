import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundaryOf, MultipartError, MultipartParser, type MultipartEvent } from '../../http/multipart.js';
import { mutate, randomChunks, seeded, splits } from '../helpers/chunks.js';

interface Part { name: string; filename: string | null; contentType: string; body: string }

/** Feeds the chunks and gathers whole parts, as a consumer streaming to disk would. */
function collect(chunks: Buffer[], parser: MultipartParser): Part[] {
  const parts: Part[] = [];
  let body: Buffer[] = [];
  const on = (event: MultipartEvent): void => {
    if (event.type === 'part') {
      parts.push({ ...event.headers, body: '' });
      body = [];
    } else if (event.type === 'data') {
      body.push(Buffer.from(event.chunk)); // the parser's chunks may be views of its input
    } else if (event.type === 'partEnd') {
      const { raw: _raw, ...rest } = parts.at(-1) as Part & { raw?: unknown };
      parts[parts.length - 1] = { ...rest, body: Buffer.concat(body).toString('utf8') };
    }
  };
  for (const chunk of chunks) parser.push(chunk).forEach(on);
  parser.end();
  return parts;
}

const boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
const body = Buffer.from(
  'preamble to ignore\r\n' +
    `--${boundary}\r\n` +
    'Content-Disposition: form-data; name="note"\r\n\r\n' +
    'hello\r\n' +
    `--${boundary}  \r\n` + // transport padding after a boundary is allowed
    'Content-Disposition: form-data; name="file"; filename="local.txt"\r\n' +
    'Content-Type: text/plain\r\n\r\n' +
    `line 1\r\n--${boundary.slice(0, 10)} not a boundary\r\n\r\n--\r\n` +
    `\r\n--${boundary}\r\n` +
    `Content-Disposition: form-data; name="u"; filename*=utf-8''unicode-%C3%A9t%C3%A9.txt\r\n\r\n` +
    `\r\n--${boundary}--\r\nepilogue`,
);
const expected: Part[] = [
  { name: 'note', filename: null, contentType: 'text/plain', body: 'hello' },
  { name: 'file', filename: 'local.txt', contentType: 'text/plain', body: `line 1\r\n--${boundary.slice(0, 10)} not a boundary\r\n\r\n--\r\n` },
  { name: 'u', filename: 'unicode-été.txt', contentType: 'text/plain', body: '' },
];

describe('multipart parser', () => {
  it('reads the boundary from a Content-Type', () => {
    assert.equal(boundaryOf(`multipart/form-data; boundary=${boundary}`), boundary);
    assert.equal(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"'), 'a b');
    assert.equal(boundaryOf('application/json'), null);
    assert.equal(boundaryOf('multipart/form-data'), null);
  });

  it('gives the same parts however the body is split', () => {
    for (const chunks of splits(body)) assert.deepEqual(collect(chunks, new MultipartParser(boundary)), expected);
  });

  it('streams a part body without holding it whole', () => {
    const parser = new MultipartParser('b');
    const head = parser.push(Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n'));
    assert.equal(head[0]?.type, 'part');
    let held = 0;
    for (let i = 0; i < 1000; i++) {
      const events = parser.push(Buffer.alloc(1024, 0x61));
      held += 1024 - events.reduce((n, e) => n + (e.type === 'data' ? e.chunk.length : 0), 0);
      assert.ok(held < 16, `at most a delimiter's length held back, not ${held}`);
    }
  });

  it('refuses a body that ends before the closing boundary', () => {
    const parser = new MultipartParser(boundary);
    parser.push(body.subarray(0, 100));
    assert.throws(() => parser.end(), MultipartError);
  });

  it('bounds part headers and parts (413)', () => {
    const big = new MultipartParser('b', { headerBytes: 100 });
    assert.throws(() => big.push(Buffer.from(`--b\r\nContent-Disposition: form-data; name="${'x'.repeat(200)}"\r\n\r\n`)), (e: unknown) => e instanceof MultipartError && e.status === 413);
    const many = new MultipartParser('b', { parts: 2 });
    const three = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'.repeat(3);
    assert.throws(() => many.push(Buffer.from(three)), (e: unknown) => e instanceof MultipartError && e.status === 413);
  });

  for (const [name, text] of [
    ['a part without Content-Disposition', '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--'],
    ['a part without a name', '--b\r\nContent-Disposition: form-data; filename="x"\r\n\r\nx\r\n--b--'],
    ['a malformed header', '--b\r\nno colon here\r\n\r\nx\r\n--b--'],
    ['garbage after a boundary', '--bxyz\r\n\r\n'],
  ] as const) {
    it(`refuses ${name} (400)`, () => {
      assert.throws(() => new MultipartParser('b').push(Buffer.from(text)), (e: unknown) => e instanceof MultipartError && e.status === 400);
    });
  }

  it('keeps backslashes in file names as browsers send them; unescapes only \\" and \\\\', () => {
    const name = (quoted: string): string | null => {
      const events = new MultipartParser('b').push(Buffer.from(`--b\r\nContent-Disposition: form-data; name="f"; filename="${quoted}"\r\n\r\n`));
      return events[0]?.type === 'part' ? events[0].headers.filename : null;
    };
    assert.equal(name('C:\\Users\\me\\two.txt'), 'C:\\Users\\me\\two.txt');
    assert.equal(name('say \\"hi\\".txt'), 'say "hi".txt');
    assert.equal(name('a\\\\b'), 'a\\b');
  });

  it('refuses an invalid boundary', () => {
    for (const b of ['', 'x'.repeat(71), 'a"b', 'trailing ']) assert.throws(() => new MultipartParser(b), MultipartError);
  });

  it('fuzz: mutated bodies give parts or a MultipartError, never anything else', () => {
    const random = seeded(7);
    let parsed = 0;
    let refused = 0;
    for (let n = 0; n < 20_000; n++) {
      const input = mutate(body, random);
      try {
        if (collect(randomChunks(input, random, 64), new MultipartParser(boundary, { parts: 10 })).length > 0) parsed++;
      } catch (error) {
        if (!(error instanceof MultipartError)) throw new Error(`case ${n}: ${String(error)}`, { cause: error });
        refused++;
      }
    }
    // Both ways out were taken: a parser that refused everything, or nothing, fails here.
    assert.ok(parsed > 0, 'some mutated bodies still give parts');
    assert.ok(refused > 0, 'some are refused with a MultipartError');
  });
});
