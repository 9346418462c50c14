import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, FtpPyError } from '../../common/errors.js';
import { ReplyParser, type Reply } from '../../protocol/reply.js';
import { isPermanent, isPositive, isTransient, replyKind } from '../../protocol/reply-codes.js';
import { mutate, randomBytes, randomChunks, seeded, splits } from '../helpers/chunks.js';

function parseAll(chunks: Buffer[], parser = new ReplyParser()): Reply[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

const samples: { name: string; wire: string; replies: Reply[] }[] = [
  {
    name: 'single line',
    wire: '220 (vsFTPd 3.0.3)\r\n',
    replies: [{ code: 220, message: '(vsFTPd 3.0.3)', lines: ['(vsFTPd 3.0.3)'] }],
  },
  {
    name: 'code with no text',
    wire: '200\r\n',
    replies: [{ code: 200, message: '', lines: [''] }],
  },
  {
    name: 'bare LF line ends',
    wire: '331 Password required\n230 Logged in\n',
    replies: [
      { code: 331, message: 'Password required', lines: ['Password required'] },
      { code: 230, message: 'Logged in', lines: ['Logged in'] },
    ],
  },
  {
    name: 'multi-line FEAT with indented inner lines',
    wire: '211-Features:\r\n EPSV\r\n MLST type*;size*;modify*;\r\n UTF8\r\n211 End\r\n',
    replies: [
      {
        code: 211,
        message: 'Features:\n EPSV\n MLST type*;size*;modify*;\n UTF8\nEnd',
        lines: ['Features:', ' EPSV', ' MLST type*;size*;modify*;', ' UTF8', 'End'],
      },
    ],
  },
  {
    name: 'inner lines that begin with digits and other codes (RFC 959 §4.2 example)',
    wire: '123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n234 not the end\r\n123-still inside\r\n123 The last line\r\n',
    replies: [
      {
        code: 123,
        message: 'First line\nSecond line\n  234 A line beginning with numbers\n234 not the end\nstill inside\nThe last line',
        lines: ['First line', 'Second line', '  234 A line beginning with numbers', '234 not the end', 'still inside', 'The last line'],
      },
    ],
  },
  {
    name: 'closing line of a bare code',
    wire: '230-Welcome\r\n230\r\n',
    replies: [{ code: 230, message: 'Welcome\n', lines: ['Welcome', ''] }],
  },
  {
    name: 'UTF-8 text (RFC 2640)',
    wire: '257 "/unicode-été-名前" is the current directory\r\n',
    replies: [
      {
        code: 257,
        message: '"/unicode-été-名前" is the current directory',
        lines: ['"/unicode-été-名前" is the current directory'],
      },
    ],
  },
  {
    name: 'several replies in one chunk, with a stray empty line',
    wire: '150 Opening\r\n\r\n226 Transfer complete\r\n',
    replies: [
      { code: 150, message: 'Opening', lines: ['Opening'] },
      { code: 226, message: 'Transfer complete', lines: ['Transfer complete'] },
    ],
  },
];

describe('ReplyParser', () => {
  for (const sample of samples) {
    it(`${sample.name}: the same replies however the bytes are split`, () => {
      const bytes = Buffer.from(sample.wire, 'utf8');
      for (const chunks of splits(bytes)) assert.deepEqual(parseAll(chunks), sample.replies);
    });
  }

  it('holds back an unfinished reply and reports it as pending', () => {
    const parser = new ReplyParser();
    assert.deepEqual(parser.push(Buffer.from('211-Features\r\n EPSV\r\n')), []);
    assert.equal(parser.pending, true);
    assert.deepEqual(parser.push(Buffer.from('211 En')), []);
    assert.equal(parser.pending, true);
    assert.equal(parser.push(Buffer.from('d\r\n'))[0]?.code, 211);
    assert.equal(parser.pending, false);
  });

  it('carries bytes that are not UTF-8 as raw bytes (decodeRaw) instead of losing them', () => {
    const wire = Buffer.concat([Buffer.from('550 '), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('\r\n')]);
    assert.equal(new ReplyParser().push(wire)[0]?.message, 'caf\uDCE9');
  });

  const bad: [string, string, RegExp][] = [
    ['a line with no code', 'hello world\r\n', /no reply code/],
    ['a code followed by garbage', '220x hi\r\n', /no reply code/],
    ['a code below 100', '099 hi\r\n', /outside 100-599/],
    ['a code above 599', '600 hi\r\n', /outside 100-599/],
    ['two digits', '22 hi\r\n', /no reply code/],
  ];
  for (const [name, wire, message] of bad) {
    it(`refuses ${name} with a ProtocolError`, () => {
      const parser = new ReplyParser();
      assert.throws(() => parser.push(Buffer.from(wire)), (e: unknown) => {
        assert.ok(e instanceof ProtocolError);
        assert.equal(e.code, 'FTPPY_ERR_PROTOCOL');
        assert.match(e.message, message);
        return true;
      });
      // a broken stream stays broken: the connection behind it cannot be trusted
      assert.throws(() => parser.push(Buffer.from('200 OK\r\n')), ProtocolError);
    });
  }

  it('bounds a reply that never ends', () => {
    const parser = new ReplyParser({ maxReplyBytes: 1000 });
    parser.push(Buffer.from('211-start\r\n'));
    assert.throws(() => {
      for (let i = 0; i < 100; i++) parser.push(Buffer.from('a line that goes on and on\r\n'));
    }, (e: unknown) => FtpPyError.is(e) && e.code === 'FTPPY_ERR_TOO_LARGE');
  });

  it('bounds a line that never ends, fed a byte at a time', () => {
    const parser = new ReplyParser({ maxReplyBytes: 4096 });
    parser.push(Buffer.from('220 '));
    assert.throws(() => {
      for (let i = 0; i < 10_000; i++) parser.push(Buffer.from('x'));
    }, (e: unknown) => FtpPyError.is(e) && e.code === 'FTPPY_ERR_TOO_LARGE');
  });

  it('fuzz: random and mutated bytes give replies or a ProtocolError, never anything else', () => {
    const random = seeded(0x5eed);
    const valid = Buffer.from(samples.map((s) => s.wire).join(''));
    for (let n = 0; n < 50_000; n++) {
      const input = n % 2 === 0 ? randomBytes(random, 1 + Math.floor(random() * 200)) : mutate(valid, random);
      const parser = new ReplyParser({ maxReplyBytes: 512 });
      try {
        for (const reply of parseAll(randomChunks(input, random), parser)) {
          assert.ok(reply.code >= 100 && reply.code <= 599, `case ${n}: code ${reply.code}`);
          assert.equal(reply.message, reply.lines.join('\n'));
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw new Error(`case ${n}: ${String(error)}`, { cause: error });
      }
    }
  });
});

describe('reply codes', () => {
  it('classifies by the first digit', () => {
    assert.deepEqual([150, 226, 331, 421, 550].map(replyKind), ['preliminary', 'completion', 'intermediate', 'transient', 'permanent']);
    assert.throws(() => replyKind(99), RangeError);
    assert.throws(() => replyKind(600), RangeError);
    assert.deepEqual([isPositive(331), isPositive(421), isTransient(450), isTransient(550), isPermanent(530), isPermanent(226)], [true, false, true, false, true, false]);
  });
});
