import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandParser, encodeCommand, type Command } from '../../protocol/command.js';
import { FtpPyError, InvalidArgumentError, ProtocolError } from '../../common/errors.js';
import { mutate, randomBytes, randomChunks, seeded, splits } from '../helpers/chunks.js';

function parseAll(chunks: Buffer[], parser = new CommandParser()): Command[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('CommandParser', () => {
  const wire = Buffer.concat([
    Buffer.from('user anonymous\r\nPASS x@y\r\nRETR name with spaces.txt\r\nCWD  leading space\r\nNOOP\nSTOR unicode-été-名前.txt\r\n'),
    Buffer.from([0xff, 0xf4, 0xff, 0xf2]), // IAC IP IAC DM, as clients send before ABOR
    Buffer.from('ABOR\r\n'),
  ]);
  const expected: Command[] = [
    { verb: 'USER', arg: 'anonymous' },
    { verb: 'PASS', arg: 'x@y' },
    { verb: 'RETR', arg: 'name with spaces.txt' },
    { verb: 'CWD', arg: ' leading space' },
    { verb: 'NOOP', arg: '' },
    { verb: 'STOR', arg: 'unicode-été-名前.txt' },
    { verb: 'ABOR', arg: '' },
  ];

  it('gives the same commands however the bytes are split', () => {
    for (const chunks of splits(wire)) assert.deepEqual(parseAll(chunks), expected);
  });

  it('removes Telnet option negotiation and keeps an escaped 0xFF byte', () => {
    const line = Buffer.concat([
      Buffer.from([0xff, 0xfb, 0x01]), // IAC WILL ECHO
      Buffer.from('MKD a'),
      Buffer.from([0xff, 0xff]), // IAC IAC: a literal 0xFF
      Buffer.from('b\r\n'),
    ]);
    const [command] = new CommandParser().push(line);
    assert.equal(command?.verb, 'MKD');
    assert.equal(command?.arg, 'a\uDCFFb'); // not UTF-8: the raw byte, kept (protocol/text.ts decodeRaw)
  });

  it('keeps the text after a lone IAC whose DM was sent out of band (lftp\'s ABOR)', () => {
    const line = Buffer.concat([Buffer.from([0xff, 0xf4, 0xff]), Buffer.from('ABOR\r\n')]);
    assert.deepEqual(new CommandParser().push(line), [{ verb: 'ABOR', arg: '' }]);
  });

  it('skips empty lines', () => {
    assert.deepEqual(new CommandParser().push(Buffer.from('\r\n\nNOOP\r\n')), [{ verb: 'NOOP', arg: '' }]);
  });

  it('refuses a line past its maximum length, even when it never ends', () => {
    const parser = new CommandParser({ maxLineBytes: 64 });
    assert.deepEqual(parser.push(Buffer.from(`NOOP\r\nRETR ${'a'.repeat(59)}\r\n`)), [
      { verb: 'NOOP', arg: '' },
      { verb: 'RETR', arg: 'a'.repeat(59) },
    ]);
    assert.throws(() => parser.push(Buffer.from(`RETR ${'a'.repeat(60)}\r\n`)), (e: unknown) => FtpPyError.is(e) && e.code === 'FTPPY_ERR_TOO_LARGE');
    const endless = new CommandParser({ maxLineBytes: 64 });
    assert.throws(() => {
      for (let i = 0; i < 100; i++) endless.push(Buffer.from('xx'));
    }, ProtocolError);
  });

  it('fuzz: random and mutated lines give commands or a ProtocolError', () => {
    const random = seeded(42);
    for (let n = 0; n < 30_000; n++) {
      const input = n % 2 === 0 ? randomBytes(random, 1 + Math.floor(random() * 300)) : mutate(wire, random);
      const parser = new CommandParser({ maxLineBytes: 128 });
      try {
        for (const command of parseAll(randomChunks(input, random), parser)) {
          assert.equal(command.verb, command.verb.toUpperCase());
          assert.ok(!command.arg.includes('\n'));
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw new Error(`case ${n}: ${String(error)}`, { cause: error });
      }
    }
  });
});

describe('encodeCommand', () => {
  it('encodes a verb and an argument as one CRLF line, UTF-8', () => {
    assert.equal(encodeCommand('NOOP').toString(), 'NOOP\r\n');
    assert.equal(encodeCommand('RETR', 'a b/été.txt').toString('utf8'), 'RETR a b/été.txt\r\n');
    assert.equal(encodeCommand('SITE', 'CHMOD 755 x').toString(), 'SITE CHMOD 755 x\r\n');
    assert.equal(encodeCommand('XSHA256', '/a').toString(), 'XSHA256 /a\r\n');
  });

  for (const arg of ['a\r\nDELE b', 'a\nb', 'a\rb', 'a\0b']) {
    it(`refuses an argument holding ${JSON.stringify(arg)} (command injection)`, () => {
      assert.throws(() => encodeCommand('RETR', arg), (e: unknown) => {
        assert.ok(e instanceof InvalidArgumentError);
        assert.match(e.message, /CR, LF or NUL/);
        return true;
      });
    });
  }

  it('refuses a verb that is not letters', () => {
    for (const verb of ['', 'RE TR', 'RETR\r\n', 'ÄBC', 'TOOLONGVERB', '1RETR']) assert.throws(() => encodeCommand(verb), InvalidArgumentError);
  });
});
