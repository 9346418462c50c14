// The 'latin1' name encoding (issue 15 item 5): each byte is its Latin-1 character on the
// way in (listings, replies), and back to that byte on the way out (commands).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCommand } from '../../protocol/command.js';
import { ListingParser } from '../../protocol/listing/index.js';
import { ReplyParser } from '../../protocol/reply.js';
import { encodeLatin1 } from '../../protocol/text.js';

const LISTING = Buffer.from(
  '-rw-r--r--    1 0        0               5 Jan 01  2024 caf\xe9.txt\r\n' +
    'drwxr-xr-x    2 0        0            4096 Jan 01  2024 \xfcber \xff\r\n' +
    '-rw-r--r--    1 0        0               7 Jan 01  2024 ascii.txt\r\n',
  'latin1',
);

describe("the 'latin1' name encoding", () => {
  it('reads every listing line as Latin-1, split at every offset', () => {
    for (let cut = 0; cut <= LISTING.length; cut++) {
      const parser = new ListingParser({ encoding: 'latin1', dir: '/d' });
      const entries = [...parser.push(LISTING.subarray(0, cut)), ...parser.push(LISTING.subarray(cut)), ...parser.end()];
      assert.deepEqual(entries.map((e) => e.path), ['/d/café.txt', '/d/über ÿ', '/d/ascii.txt'], `cut at ${cut}`);
    }
  });

  it('reads a reply as Latin-1 (a PWD naming a Latin-1 folder)', () => {
    const parser = new ReplyParser({ encoding: 'latin1' });
    const [reply] = parser.push(Buffer.from('257 "/caf\xe9" is the current directory\r\n', 'latin1'));
    assert.equal(reply?.message, '"/café" is the current directory');
  });

  it('writes a command argument as Latin-1, a raw byte as itself, 0xFF doubled (Telnet IAC)', () => {
    assert.deepEqual(encodeCommand('RETR', '/café ÿ.txt', 'latin1'), Buffer.from('RETR /caf\xe9 \xff\xff.txt\r\n', 'latin1'));
    assert.deepEqual(encodeLatin1('a\uDC80'), Buffer.of(0x61, 0x80));
    assert.throws(() => encodeCommand('RETR', '/€', 'latin1'), { code: 'FTPPY_ERR_INVALID_ARGUMENT', message: /"€" has no Latin-1 byte/ });
    assert.throws(() => encodeCommand('RETR', '/😀', 'latin1'), { message: /"😀" has no Latin-1 byte/ });
  });
});
