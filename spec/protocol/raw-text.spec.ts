import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRaw, encodeRaw, hasRawBytes, rawAsText } from '../../protocol/text.js';
import { randomBytes, seeded } from '../helpers/chunks.js';

describe('raw names (decodeRaw / encodeRaw)', () => {
  it('reads valid UTF-8 as text and carries each other byte as U+DC80–U+DCFF', () => {
    assert.equal(decodeRaw(Buffer.from('café 名前 😀')), 'café 名前 😀');
    assert.equal(decodeRaw(Buffer.from('caf\xe9', 'latin1')), 'caf\uDCE9');
    assert.equal(decodeRaw(Buffer.from([0xc3, 0xa9, 0xe9, 0x41])), '\u00e9\uDCE9A');
    // An overlong '/', an encoded surrogate, a truncated sequence: byte by byte, never U+FFFD.
    assert.equal(decodeRaw(Buffer.from([0xc0, 0xaf])), '\uDCC0\uDCAF');
    assert.equal(decodeRaw(Buffer.from([0xed, 0xa0, 0x80])), '\uDCED\uDCA0\uDC80');
    assert.equal(decodeRaw(Buffer.from([0x61, 0xe2, 0x82])), 'a\uDCE2\uDC82');
    assert.equal(decodeRaw(Buffer.from('\uFFFD')), '\uFFFD'); // a real U+FFFD stays one
    assert.equal(hasRawBytes('caf\uDCE9'), true);
    assert.equal(hasRawBytes('😀 \uD800\uDC80'), false); // a surrogate pair is a character
  });

  it('gives back exactly the bytes it read, for any bytes', () => {
    const random = seeded(12);
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(random, 1 + Math.floor(random() * 40));
      assert.ok(encodeRaw(decodeRaw(bytes)).equals(bytes), bytes.toString('hex'));
    }
    assert.ok(encodeRaw('é😀').equals(Buffer.from('é😀')));
  });

  it('reads a text argument that is not UTF-8 as Latin-1', () => {
    assert.equal(rawAsText('p\uDCE4ss'), 'päss');
    assert.equal(rawAsText('päss'), 'päss');
  });
});
