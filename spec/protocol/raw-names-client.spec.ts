// The client's side of raw names (protocol/text.ts): a name that is not UTF-8, read from
// a listing or a reply, is carried as decodeRaw carries it and goes back out in a command
// as the same bytes; the client's part files stay within the 255 bytes a name may have.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPartName, partName } from '../../lib/client/part-file.js';
import { CommandParser, encodeCommand } from '../../protocol/command.js';
import { parseListing } from '../../protocol/listing/index.js';
import { ReplyParser } from '../../protocol/reply.js';
import { encodeRaw, printable } from '../../protocol/text.js';

const LATIN1 = Buffer.from('caf\xe9.txt', 'latin1');

describe('raw names on the client side', { timeout: 20_000 }, () => {
  it('reads a listed name that is not UTF-8 byte for byte, and sends it back as those bytes', () => {
    const line = Buffer.concat([Buffer.from('-rw-r--r--    1 0        0               5 Jan 01  2024 '), LATIN1, Buffer.from('\r\n')]);
    const name = parseListing(line)[0]?.name;
    assert.equal(name, 'caf\uDCE9.txt');
    assert.ok(encodeCommand('RETR', name).equals(Buffer.concat([Buffer.from('RETR '), LATIN1, Buffer.from('\r\n')])));
  });

  it('reads a reply path that is not UTF-8 byte for byte (PWD), so relative paths built on it keep the bytes', () => {
    const wire = Buffer.concat([Buffer.from('257 "/'), LATIN1, Buffer.from('" is the current directory\r\n')]);
    const message = new ReplyParser().push(wire)[0]?.message ?? '';
    assert.ok(encodeRaw(message).equals(wire.subarray(4, wire.length - 2)));
  });

  it('sends UTF-8 names as UTF-8', () => {
    assert.ok(encodeCommand('STOR', 'été 名前').equals(Buffer.from('STOR été 名前\r\n')));
  });

  it('shows raw bytes to people as \\xHH', () => {
    assert.equal(printable('caf\uDCE9 été'), 'caf\\xE9 été');
  });

  it('keeps part-file names within 255 bytes, recognisable, whatever the target name', () => {
    for (const target of ['x'.repeat(255), '名'.repeat(85), `${'é'.repeat(120)}\uDCE9\uDCFF`, 'short', 'a\uDCE9'.repeat(127)]) {
      const part = partName(target);
      assert.ok(encodeRaw(part).length <= 255, `${encodeRaw(part).length} bytes: ${part}`);
      assert.ok(isPartName(part), part);
      assert.notEqual(partName(target), part, 'unique per transfer');
    }
    assert.equal(isPartName('x.ftppy-part'), false);
    assert.equal(isPartName('.x.ftppy-partial'), false);
  });
});

describe('a 0xFF byte in a name on the control connection', { timeout: 20_000 }, () => {
  it('is sent doubled (Telnet IAC IAC) and read back by our server as the one byte', () => {
    const wire = encodeCommand('RETR', 'a\uDCFFb');
    assert.equal(wire.toString('hex'), Buffer.concat([Buffer.from('RETR a'), Buffer.from([0xff, 0xff]), Buffer.from('b\r\n')]).toString('hex'));
    assert.deepEqual(new CommandParser().push(wire), [{ verb: 'RETR', arg: 'a\uDCFFb' }]);
  });
});
