// Seeded fuzzing of the listing parsers: random bytes and mutated real listings, cut into
// random chunks. The only failure allowed is a ProtocolError; every entry that comes out
// must be well formed. A failing case number replays with the same seed.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../common/errors.js';
import { LineSplitter } from '../../protocol/lines.js';
import { ListingParser, parseMlstEntry, type ListingEntry, type ListingFormat } from '../../protocol/listing/index.js';
import { unsafeNameReason } from '../../protocol/listing/path.js';
import { decodeRaw } from '../../protocol/text.js';
import { mutate, randomBytes, randomChunks, seeded } from '../helpers/chunks.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'listings');
const listings = readdirSync(fixtures)
  .filter((name) => name.endsWith('.txt') && !name.includes('.mlst.'))
  .map((name) => readFileSync(join(fixtures, name)));
// Lines the captured listings do not have: devices, links, marks, DOS.
listings.push(
  Buffer.from(
    'total 8\r\ncrw-rw----+ 1 root tty 4,  1 Nov 25 11:31 tty1\r\nlrwxrwxrwx. 1 u 3 Jan  5  2020  a -> b\r\n' +
      '-rwsr-sr-t 1 u g 1 Feb 29 10:00 leap\r\n',
  ),
  Buffer.from('12-25-24  02:30PM       <DIR>          name\r\n12-25-2024  14:30  1,234 file.txt\r\n'),
);
const factLines = readdirSync(fixtures)
  .filter((name) => name.includes('.mlst.'))
  .flatMap((name) => readFileSync(join(fixtures, name), 'utf8').split('\r\n'))
  .filter((line) => line.startsWith(' '));

const TYPES = new Set(['file', 'dir', 'link', 'other']);
const FORMATS: (ListingFormat | undefined)[] = [undefined, undefined, 'unix', 'dos', 'mlsd'];

function checkEntry(entry: ListingEntry, where: string): void {
  assert.ok(typeof entry.name === 'string' && entry.name.length > 0, `${where}: name ${JSON.stringify(entry.name)}`);
  assert.ok(entry.path.endsWith(entry.name), `${where}: path ${entry.path}`);
  assert.ok(Number.isSafeInteger(entry.size) && entry.size >= 0, `${where}: size ${entry.size}`);
  assert.ok(TYPES.has(entry.type), `${where}: type ${entry.type}`);
  assert.equal(entry.dir, entry.type === 'dir', `${where}: dir`);
  assert.ok(entry.modified === null || !Number.isNaN(entry.modified.getTime()), `${where}: modified`);
  assert.ok(entry.permissions === null || /^[0-7]{3,4}$/.test(entry.permissions), `${where}: permissions ${entry.permissions}`);
}

function allowOnlyProtocolErrors(n: number, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (error instanceof ProtocolError) return;
    throw new Error(`case ${n}: ${String(error)}`, { cause: error });
  }
}

describe('listing fuzz', () => {
  it('ListingParser: 80,000 random and mutated listings give entries or a ProtocolError', { timeout: 30_000 }, () => {
    const random = seeded(0x11571);
    let entries = 0;
    for (let n = 0; n < 80_000; n++) {
      const input =
        n % 2 === 0
          ? randomBytes(random, 1 + Math.floor(random() * 300))
          : mutate(listings[Math.floor(random() * listings.length)]!, random);
      const format = FORMATS[Math.floor(random() * FORMATS.length)];
      // a small bound, so that the too-long path is fuzzed as well
      // a line refused for its name was read too: it counts
      const parser = new ListingParser({ dir: '/d', maxLineBytes: 200, now: new Date(0x5eed0000000), format, onRefused: () => entries++ });
      const check = (entry: ListingEntry): void => {
        checkEntry(entry, `case ${n}`);
        assert.equal(unsafeNameReason(entry.name), null, `case ${n}: ${JSON.stringify(entry.name)}`);
        assert.equal(entry.path, `/d/${entry.name}`, `case ${n}: an entry of /d outside it`);
        entries++;
      };
      allowOnlyProtocolErrors(n, () => {
        for (const chunk of randomChunks(input, random, 64)) for (const entry of parser.push(chunk)) check(entry);
        for (const entry of parser.end()) check(entry);
      });
    }
    // the mutated listings must still mostly read: the fuzz reaches the parsers' insides
    assert.ok(entries > 100_000, `only ${entries} entries`);
  });

  it('parseMlstEntry: 40,000 random and mutated fact lines give an entry or a ProtocolError', () => {
    const random = seeded(0x3157);
    let parsed = 0;
    for (let n = 0; n < 40_000; n++) {
      const line =
        n % 2 === 0
          ? randomBytes(random, Math.floor(random() * 120)).toString('latin1')
          : mutate(Buffer.from(factLines[Math.floor(random() * factLines.length)]!), random).toString('utf8');
      allowOnlyProtocolErrors(n, () => {
        checkEntry(parseMlstEntry(line, '/d'), `case ${n}`);
        parsed++;
      });
    }
    assert.ok(parsed > 15_000, `only ${parsed} parsed`);
  });
});

describe('LineSplitter.pushText, which the listing and reply parsers read through', () => {
  // Lines (or the error) as push() + decodeRaw give them: pushText must give the same.
  function byBytes(chunks: Buffer[], max: number): string[] {
    const out: string[] = [];
    const splitter = new LineSplitter(max, 'line');
    const onLine = (buf: Buffer, start: number, end: number): void => void out.push(`${end - start}:${decodeRaw(buf, start, end)}`);
    try {
      for (const chunk of chunks) splitter.push(chunk, onLine);
      splitter.flush(onLine);
    } catch (error) {
      out.push(error instanceof ProtocolError ? `error ${error.code}` : String(error));
    }
    return out;
  }
  function byText(chunks: Buffer[], max: number): string[] {
    const out: string[] = [];
    const splitter = new LineSplitter(max, 'line');
    const onLine = (text: string, start: number, end: number, bytes: number): void => void out.push(`${bytes}:${text.slice(start, end)}`);
    try {
      for (const chunk of chunks) splitter.pushText(chunk, onLine);
      splitter.flushText(onLine);
    } catch (error) {
      out.push(error instanceof ProtocolError ? `error ${error.code}` : String(error));
    }
    return out;
  }

  it('gives the lines push() and decodeRaw give, on 20,000 random streams', () => {
    const random = seeded(0x7e27);
    const utf8 = Buffer.from('ascii é 名前 \r\n😀\n');
    for (let n = 0; n < 20_000; n++) {
      const input = n % 2 === 0 ? randomBytes(random, Math.floor(random() * 400)) : mutate(Buffer.concat([utf8, utf8, utf8]), random);
      // odd offsets inside a larger buffer, as pooled socket buffers have them
      const padded = Buffer.concat([Buffer.alloc(n % 7), input]).subarray(n % 7);
      const chunks = randomChunks(padded, random, 1 + Math.floor(random() * 100));
      const max = 16 + Math.floor(random() * 200);
      assert.deepEqual(byText(chunks, max), byBytes(chunks, max), `case ${n}`);
    }
  });
});
