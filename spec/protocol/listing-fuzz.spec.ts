// Seeded fuzzing of the listing parsers: random bytes and mutated real listings, cut into
// random chunks. The only failure allowed is a ProtocolError; every entry that comes out
// must be well formed. A failing case number replays with the same seed.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../protocol/errors.js';
import { ListingParser, parseMlstEntry, type ListingEntry, type ListingFormat } from '../../protocol/listing/index.js';
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
      const parser = new ListingParser({ dir: '/d', maxLineBytes: 200, now: new Date(0x5eed0000000), format });
      allowOnlyProtocolErrors(n, () => {
        for (const chunk of randomChunks(input, random, 64)) {
          for (const entry of parser.push(chunk)) checkEntry(entry, `case ${n}`), entries++;
        }
        for (const entry of parser.end()) checkEntry(entry, `case ${n}`), entries++;
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
