// Listing formats beyond ls -l in English and IIS's MM-DD-YY (issue 15 item 6): DOS with
// ISO dates, `ls --time-style=long-iso` and full-iso, EPLF, month names of other
// languages (either order of day and month), sizes above 2^53. Each fixture file under
// spec/fixtures/listings/formats/ is read whole and split at every byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ListingParser, parseListing, type ListingEntry } from '../../protocol/listing/index.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const at = (iso: string): Date => new Date(`${iso}Z`);
const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'listings', 'formats', name));

/** Every entry of a fixture, the same whichever byte the listing is split at; lines not read are collected. */
function read(name: string): { entries: ListingEntry[]; unread: string[] } {
  const data = fixture(name);
  let first: { entries: ListingEntry[]; unread: string[] } | undefined;
  for (let cut = 0; cut <= data.length; cut++) {
    const unread: string[] = [];
    const parser = new ListingParser({ now: NOW, onUnread: (line) => void unread.push(line) });
    const entries = [...parser.push(data.subarray(0, cut)), ...parser.push(data.subarray(cut)), ...parser.end()];
    if (first === undefined) first = { entries, unread };
    else assert.deepEqual({ entries, unread }, first, `${name} split at ${cut}`);
  }
  return first!;
}

type Expected = Partial<ListingEntry> & { name: string };
function check(name: string, expected: Expected[]): void {
  const { entries, unread } = read(name);
  assert.deepEqual(unread, [], `${name}: lines not read`);
  assert.equal(entries.length, expected.length, `${name}: ${entries.map((e) => e.name).join(', ')}`);
  expected.forEach((want, i) => {
    const got = entries[i]!;
    for (const [key, value] of Object.entries(want)) assert.deepEqual(got[key as keyof ListingEntry], value, `${name} line ${i + 1}: ${key}`);
  });
}

describe('listing formats of other servers and locales', () => {
  it('DOS with ISO dates (2024-03-01  13:05)', () => {
    check('dos-iso.txt', [
      { name: 'report.txt', size: 456, type: 'file', modified: at('2024-03-01T13:05') },
      { name: 'Old Stuff', dir: true, type: 'dir', modified: at('2024-03-01T09:00') },
      { name: 'big file.zip', size: 1_234_567, modified: at('2023-12-31T23:59') },
    ]);
  });

  it('ls --time-style=long-iso and full-iso', () => {
    check('long-iso.txt', [
      { name: 'notes.txt', size: 456, permissions: '644', owner: 'alice', group: 'staff', modified: at('2024-03-01T13:05') },
      { name: 'a dir', dir: true, size: 4096, modified: at('2023-11-02T08:30') },
      { name: 'link', type: 'link', target: 'notes.txt', modified: at('2024-03-01T13:05') },
      { name: 'full.txt', size: 7, modified: new Date('2024-03-01T13:05:07.123+01:00') },
    ]);
  });

  it('EPLF (+i…,m…,s…,r,<TAB>name)', () => {
    check('eplf.txt', [
      { name: 'dev', dir: true, type: 'dir', modified: new Date(824_255_902_000) },
      { name: 'RFCEPLF', size: 10_376, type: 'file', modified: new Date(839_956_783_000), permissions: null },
      { name: 'empty file', size: 0, type: 'file', permissions: '644' },
    ]);
  });

  it('German month names (Mär, Mai, Okt, Dez)', () => {
    check('german.txt', [
      { name: 'märz.txt', size: 100, modified: at('2026-03-03T10:21') },
      { name: 'mai.txt', size: 200, modified: at('2023-05-14T00:00') },
      { name: 'okt.txt', size: 300, modified: at('2026-10-01T09:00') },
      { name: 'dez.txt', size: 400, modified: at('2022-12-24T00:00') },
    ]);
  });

  it('French month names (févr., avril, janv., août), the day before or after the month', () => {
    check('french.txt', [
      { name: 'fevrier.txt', size: 100, modified: at('2026-02-14T10:21') },
      { name: 'avril.txt', size: 200, modified: at('2023-04-03T00:00') },
      { name: 'janvier.txt', size: 300, modified: at('2022-01-05T00:00') },
      { name: 'aout.txt', size: 400, modified: at('2026-08-15T08:00') },
    ]);
  });

  it('Spanish, Italian and Dutch month names (ene, abr, ago, dic, mag, mrt)', () => {
    check('spanish-italian-dutch.txt', [
      { name: 'enero.txt', modified: at('2023-01-10T00:00') },
      { name: 'abril.txt', modified: at('2026-04-02T11:00') },
      { name: 'agosto.txt', modified: at('2022-08-20T00:00') },
      { name: 'diciembre.txt', modified: at('2021-12-31T00:00') },
      { name: 'maggio.txt', modified: at('2021-05-04T00:00') },
      { name: 'maart.txt', modified: at('2021-03-04T00:00') },
    ]);
  });

  it('a month name in Latin-1 bytes (M\\xE4r) read without an encoding', () => {
    const [entry] = parseListing(Buffer.from('-rw-r--r-- 1 u g 1 M\xe4r  3  2020 x\n', 'latin1'), { now: NOW });
    assert.deepEqual(entry?.modified, at('2020-03-03T00:00'));
  });

  it('sizes above 2^53 keep their exact value in exactSize (a bigint); size is the nearest number', () => {
    check('big-sizes.txt', [
      { name: 'huge.img', size: 9_007_199_254_740_992, exactSize: 9_007_199_254_740_993n },
      { name: 'safe.img', size: Number.MAX_SAFE_INTEGER },
    ]);
    assert.equal('exactSize' in read('big-sizes.txt').entries[1]!, false);
    const [dos] = parseListing('2024-03-01  13:05    18446744073709551615 huger.img\r\n');
    assert.equal(dos?.exactSize, 18_446_744_073_709_551_615n);
    const [mlsd] = parseListing('type=file;size=18446744073709551615; m.img\r\n', { format: 'mlsd' });
    assert.equal(mlsd?.exactSize, 18_446_744_073_709_551_615n);
    const [eplf] = parseListing('+r,s18446744073709551615,\te.img\r\n');
    assert.equal(eplf?.exactSize, 18_446_744_073_709_551_615n);
  });

  it('tells of a line in no format, and reads the others', () => {
    const { entries, unread } = read('unreadable.txt');
    assert.deepEqual(entries.map((e) => e.name), ['fine.txt']);
    assert.deepEqual(unread, ['this line is in no format at all']);
  });
});
