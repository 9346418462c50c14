// What the server writes for LIST and MLSD/MLST, and that our parsers read it back to the
// same entries, field by field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  MLST_FACTS,
  formatMlsxLine,
  formatUnixLine,
  mlstFeature,
  UnixLineFormatter,
  parseListing,
  parseMlstEntry,
  selectMlstFacts,
  type EntryType,
  type ListingEntry,
} from '../../protocol/listing/index.js';
import { seeded } from '../helpers/chunks.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const at = (iso: string): Date => new Date(`${iso}Z`);

function file(fields: Partial<ListingEntry> = {}): ListingEntry {
  const type = fields.type ?? 'file';
  return {
    name: 'name',
    path: 'name',
    size: 1234,
    dir: type === 'dir',
    modified: at('2026-11-25T11:31'),
    permissions: '644',
    type,
    owner: 'ftp',
    group: 'ftp',
    ...fields,
  };
}

describe('formatUnixLine', () => {
  it('writes what vsftpd writes, byte for byte', () => {
    const captured = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'listings', 'vsftpd.list.pub.txt'), 'utf8');
    // vsftpd writes the real link count; ours is always 1, so the files are compared.
    const lines = captured.split('\r\n').filter((line) => line.startsWith('-'));
    assert.equal(lines.length, 8);
    for (const line of lines) assert.equal(formatUnixLine(parseListing(line, { now: NOW })[0]!, NOW), line);
  });

  const cases: [string, ListingEntry, string][] = [
    ['a file', file(), '-rw-r--r--    1 ftp      ftp          1234 Nov 25 11:31 name'],
    ['a folder with a one-digit day', file({ type: 'dir', permissions: '755', size: 4096, modified: at('2026-11-05T09:05') }),
      'drwxr-xr-x    1 ftp      ftp          4096 Nov  5 09:05 name'],
    ['older than six months: the year', file({ modified: at('2023-11-25T11:31') }), '-rw-r--r--    1 ftp      ftp          1234 Nov 25  2023 name'],
    ['more than a day ahead: the year', file({ modified: at('2026-12-24T10:00') }), '-rw-r--r--    1 ftp      ftp          1234 Dec 24  2026 name'],
    ['a link', file({ type: 'link', permissions: '777', size: 6, target: 'target' }), 'lrwxrwxrwx    1 ftp      ftp             6 Nov 25 11:31 name -> target'],
    ['special bits', file({ permissions: '7654' }), '-rwSr-sr-T    1 ftp      ftp          1234 Nov 25 11:31 name'],
    ['what an entry does not know', { name: 'bare', path: 'bare', size: 0, dir: false, modified: null, permissions: null, type: 'file' },
      '-rw-r--r--    1 ftp      ftp             0 Jan  1  1970 bare'],
    ['a folder that does not know its mode', file({ type: 'dir', permissions: null }), 'drwxr-xr-x    1 ftp      ftp          1234 Nov 25 11:31 name'],
    ['other: the letter GNU ls writes for what it cannot name', file({ type: 'other' }), '?rw-r--r--    1 ftp      ftp          1234 Nov 25 11:31 name'],
    ['line breaks in a name cannot reach the wire', file({ name: 'a\r\nb\0c' }), '-rw-r--r--    1 ftp      ftp          1234 Nov 25 11:31 a??b?c'],
    ['an owner with a blank stays one column', file({ owner: 'John Doe', group: '' }), '-rw-r--r--    1 John_Doe ftp          1234 Nov 25 11:31 name'],
    ['a name with leading spaces', file({ name: '  lead' }), '-rw-r--r--    1 ftp      ftp          1234 Nov 25 11:31   lead'],
  ];
  for (const [what, entry, line] of cases) it(what, () => assert.equal(formatUnixLine(entry, NOW), line));

  it('uses the current time when no now is given', () => {
    assert.match(formatUnixLine(file({ modified: new Date() })), / \d\d:\d\d name$/);
  });
});

// A listing formats all its lines with one UnixLineFormatter, which keeps the text of each
// mode, owner and minute: every line must be what a fresh formatter writes for it.
describe('UnixLineFormatter', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const now = new Date(NOW.getTime() + 30_000); // half a minute past: the edge falls inside a minute
  const edge = now.getTime() - 182 * DAY; // six months back: the time becomes the year here

  it('tells apart two times of one minute on either side of six months', () => {
    const format = new UnixLineFormatter(now);
    const inside = file({ modified: new Date(edge + 1) });
    const outside = file({ modified: new Date(edge - 1) });
    assert.equal(Math.floor((edge + 1) / 60_000), Math.floor((edge - 1) / 60_000));
    const lines = [format.line(inside), format.line(outside), format.line(inside)];
    assert.deepEqual(lines, [formatUnixLine(inside, now), formatUnixLine(outside, now), formatUnixLine(inside, now)]);
    assert.match(lines[0]!, / \d\d:\d\d name$/);
    assert.match(lines[1]!, / {2}\d{4} name$/);
  });

  it('writes, line after line, what a fresh formatter writes for each (10,000 random entries)', () => {
    const random = seeded(14);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const format = new UnixLineFormatter(now);
    for (let i = 0; i < 10_000; i++) {
      // times cluster on a few minutes (as a folder's do), near the six-month edge, and spread over years
      const time = pick([
        () => now.getTime() - Math.floor(random() * 5) * 60_000 - Math.floor(random() * 60_000),
        () => edge + Math.floor((random() - 0.5) * 120_000),
        () => now.getTime() + Math.floor((random() - 0.5) * 6 * 365 * DAY),
        () => Number.NaN,
      ])();
      const entry = file({
        type: pick(['file', 'dir', 'link', 'other'] as const),
        permissions: pick(['644', '755', '4755', null, 'x']),
        owner: pick(['ftp', 'root', 'John Doe', '', undefined]),
        group: pick(['ftp', 'staff', undefined]),
        modified: pick([new Date(time), null]),
        size: Math.floor(random() * 1e9),
      });
      assert.equal(format.line(entry), formatUnixLine(entry, now), JSON.stringify(entry));
    }
  });
});

describe('formatMlsxLine', () => {
  const withMs = file({ modified: at('2024-12-25T14:30:22.045') });
  const cases: [string, string, string][] = [
    ['every fact', formatMlsxLine(file({ modified: at('2024-12-25T14:30:22') }), { perm: 'adfrw' }),
      'type=file;size=1234;modify=20241225143022;perm=adfrw;unix.mode=0644;unix.owner=ftp;unix.group=ftp; name'],
    ['the facts selected, in our order whatever theirs', formatMlsxLine(file(), { facts: ['SIZE', 'type'] }), 'type=file;size=1234; name'],
    ['no facts selected', formatMlsxLine(file(), { facts: [] }), ' name'],
    ['milliseconds', formatMlsxLine(withMs, { facts: ['modify'] }), 'modify=20241225143022.045; name'],
    ['cdir', formatMlsxLine(file({ type: 'dir', name: '.' }), { type: 'cdir', facts: ['type'] }), 'type=cdir; .'],
    ['pdir', formatMlsxLine(file({ type: 'dir', name: '..' }), { type: 'pdir', facts: ['type'] }), 'type=pdir; ..'],
    ['a link and its target', formatMlsxLine(file({ type: 'link', target: '/etc/x' }), { facts: ['type'] }), 'type=OS.unix=slink:/etc/x; name'],
    ['a link whose target cannot be a fact', formatMlsxLine(file({ type: 'link', target: 'a;b' }), { facts: ['type'] }), 'type=OS.unix=symlink; name'],
    ['other', formatMlsxLine(file({ type: 'other' }), { facts: ['type'] }), 'type=OS.unix=other; name'],
    ['special bits', formatMlsxLine(file({ permissions: '4755' }), { facts: ['unix.mode'] }), 'unix.mode=4755; name'],
    ['what is not known is left out', formatMlsxLine({ name: 'n', path: 'n', size: 0, dir: false, modified: null, permissions: null, type: 'file' }),
      'type=file;size=0; n'],
    ['values that would break the facts are left out', formatMlsxLine(file({ owner: 'a b', group: 'c;d' }), { perm: 'r;w', facts: ['perm', 'unix.owner', 'unix.group'] }),
      ' name'],
    ['line breaks in a name cannot reach the wire', formatMlsxLine(file({ name: 'x\ny' }), { facts: [] }), ' x?y'],
  ];
  for (const [what, got, want] of cases) it(what, () => assert.equal(got, want));
});

describe('MLST facts for FEAT and OPTS', () => {
  it('lists every fact for FEAT, a * after each selected one', () => {
    assert.equal(mlstFeature(), 'MLST type*;size*;modify*;perm*;unix.mode*;unix.owner*;unix.group*;');
    assert.equal(mlstFeature(['TYPE', 'size']), 'MLST type*;size*;modify;perm;unix.mode;unix.owner;unix.group;');
    assert.deepEqual([...MLST_FACTS], ['type', 'size', 'modify', 'perm', 'unix.mode', 'unix.owner', 'unix.group']);
  });

  it('selects the supported facts an OPTS MLST argument names, in our order', () => {
    assert.deepEqual(selectMlstFacts('unix.mode;SIZE;bogus;Type;'), ['type', 'size', 'unix.mode']);
    assert.deepEqual(selectMlstFacts(''), []);
  });
});

// Entries that every format can hold whole: Unix dates to the minute (or the day, when
// the year is written), names without line breaks, and arrows only outside links.
function randomEntries(count: number, seed: number, unix: boolean): ListingEntry[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const pieces = ['a', 'Z', '0', ' ', '  ', 'é', '名前', '.txt', ';', '=', '-', '->', '#', '~', '(1)'];
  const types: EntryType[] = ['file', 'dir', 'link', 'other'];
  return Array.from({ length: count }, () => {
    let name = '';
    while (name === '' || name === '.' || name === '..' || name.trim() === '') {
      name = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join('');
    }
    const type = pick(types);
    if (type === 'link') name = name.replaceAll('->', '=>');
    const minutes = Math.floor(random() * 60 * 24 * 365 * 3);
    let modified = new Date(NOW.getTime() - minutes * 60_000);
    if (!unix) modified = new Date(modified.getTime() - Math.floor(random() * 60_000));
    else if (NOW.getTime() - modified.getTime() > 150 * 24 * 3600_000) {
      modified = new Date(Date.UTC(modified.getUTCFullYear(), modified.getUTCMonth(), modified.getUTCDate()));
    }
    const entry: ListingEntry = {
      name,
      path: `/pub/${name}`,
      size: type === 'dir' && random() < 0.5 ? 0 : Math.floor(random() * 2 ** (random() * 40)),
      dir: type === 'dir',
      modified,
      permissions: Math.floor(random() * 0o10000).toString(8).padStart(3, '0'),
      type,
      owner: pick(['ftp', 'root', '0', '1000', 'user']),
      group: pick(['ftp', 'root', '0', 'users']),
    };
    if (type === 'link') entry.target = pick(['/etc/x', 'rel/target', '../up']);
    return entry;
  });
}

describe('round trip: format, then parse', () => {
  it('Unix lines give back every field', () => {
    const entries = randomEntries(3000, 0xf0a7, true);
    const listing = entries.map((e) => `${formatUnixLine(e, NOW)}\r\n`).join('');
    const parsed = parseListing(listing, { dir: '/pub', now: NOW });
    assert.equal(parsed.length, entries.length);
    for (const [i, entry] of entries.entries()) assert.deepEqual(parsed[i], entry, formatUnixLine(entry, NOW));
  });

  it('MLSD lines give back every field', () => {
    const entries = randomEntries(3000, 0x31d5, false);
    const listing = entries.map((e) => `${formatMlsxLine(e, { perm: 'adfr' })}\r\n`).join('');
    const parsed = parseListing(listing, { dir: '/pub' });
    assert.equal(parsed.length, entries.length);
    for (const [i, entry] of entries.entries()) assert.deepEqual(parsed[i], entry, formatMlsxLine(entry));
  });

  it('MLST fact lines, written with the full path as the name, give back every field', () => {
    for (const entry of randomEntries(1000, 0x3157, false)) {
      const line = ` ${formatMlsxLine({ ...entry, name: entry.path })}`;
      assert.deepEqual(parseMlstEntry(line), entry, line);
    }
  });
});
