// The listings real servers sent (spec/fixtures/listings, captured by capture.py there),
// read field by field, whole and split at every byte; and how the parser behaves around
// them: paths, skipped lines, bounds, reuse.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FtpPyError, ProtocolError } from '../../common/errors.js';
import { ListingParser, parseListing, parseMlstEntry, type ListingEntry } from '../../protocol/listing/index.js';
import { ReplyParser } from '../../protocol/reply.js';
import { splits } from '../helpers/chunks.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'listings');
const read = (name: string): Buffer => readFileSync(join(fixtures, name));

// The peers' /pub, as capture.py saw it: name → size (null: a folder).
const PUB: [string, number | null][] = [
  ['SHA256SUMS', 649],
  ['crlf.txt', 37],
  ['data-1m.bin', 1048576],
  ['empty.txt', 0],
  ['hello.txt', 22],
  ['name with spaces.txt', 29],
  ['nested', null],
  ['readme.txt', 10800],
  ['unicode-été-名前.txt', 25],
];
const NESTED: [string, number | null][] = [['deeper', null]];

// Every file was written at 2026-11-25 11:31:51 UTC; LIST shows it to the minute.
const NOW = new Date('2026-11-25T12:00:00Z');
const LIST_TIME = new Date('2026-11-25T11:31:00Z');
const MLSD_TIME = new Date('2026-11-25T11:31:51Z');

interface Server {
  file: string;
  modified: Date;
  /** What the listing says about folders' size. */
  dirSize: number;
  /** unix.mode or rwx: 644 files, 755 folders; null when the listing has none. */
  modes: boolean;
  owner?: string;
  group?: string;
}

const servers: Server[] = [
  { file: 'vsftpd.list', modified: LIST_TIME, dirSize: 4096, modes: true, owner: '0', group: '0' },
  { file: 'pyftpdlib.list', modified: LIST_TIME, dirSize: 4096, modes: true, owner: 'root', group: 'root' },
  { file: 'pure-ftpd.list', modified: LIST_TIME, dirSize: 4096, modes: true, owner: '0', group: '0' },
  { file: 'proftpd.list', modified: LIST_TIME, dirSize: 4096, modes: true, owner: 'root', group: 'root' },
  // MLSD: pyftpdlib gives neither mode nor owner by default, pure-ftpd uid/gid and `sizd`
  // for folders, proftpd names (its virtual user maps to `user`) and no size for folders.
  { file: 'pyftpdlib.mlsd', modified: MLSD_TIME, dirSize: 4096, modes: false },
  { file: 'pure-ftpd.mlsd', modified: MLSD_TIME, dirSize: 4096, modes: true, owner: '0', group: '0' },
  { file: 'proftpd.mlsd', modified: MLSD_TIME, dirSize: 0, modes: true, owner: 'user', group: 'ftp' },
];

function expected(server: Server, dir: string, listed: [string, number | null][]): ListingEntry[] {
  return listed.map(([name, size]) => {
    const entry: ListingEntry = {
      name,
      path: `${dir}/${name}`,
      size: size ?? server.dirSize,
      dir: size === null,
      modified: server.modified,
      permissions: server.modes ? (size === null ? '755' : '644') : null,
      type: size === null ? 'dir' : 'file',
    };
    if (server.owner !== undefined) entry.owner = server.owner;
    if (server.group !== undefined) entry.group = server.group;
    return entry;
  });
}

const byName = (a: ListingEntry, b: ListingEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function parseChunks(chunks: Buffer[], options: ConstructorParameters<typeof ListingParser>[0]): ListingEntry[] {
  const parser = new ListingParser(options);
  return chunks.flatMap((chunk) => parser.push(chunk)).concat(parser.end());
}

describe('ListingParser on listings captured from real servers', () => {
  for (const server of servers) {
    for (const [tag, dir, listed] of [
      ['pub', '/pub', PUB],
      ['nested', '/pub/nested', NESTED],
    ] as const) {
      const name = `${server.file}.${tag}.txt`;
      it(`${name}: every entry, field by field, however the bytes are split`, () => {
        const bytes = read(name);
        const want = expected(server, dir, listed);
        const whole = parseListing(bytes, { dir, now: NOW }).sort(byName);
        assert.equal(whole.length, want.length);
        for (const [i, entry] of whole.entries()) assert.deepEqual(entry, want[i], `${name}: ${entry.name}`);
        for (const chunks of splits(bytes)) {
          assert.deepEqual(parseChunks(chunks, { dir, now: NOW }).sort(byName), want);
        }
      });
    }
  }

  it('the sizes expected are the files on the peers’ disk', { skip: !existsSync('/tmp/ftp-peers/root/pub') && 'no peers here' }, () => {
    for (const [name, size] of PUB) {
      if (size !== null) assert.equal(statSync(join('/tmp/ftp-peers/root/pub', name)).size, size, name);
    }
  });

  for (const server of ['pyftpdlib', 'pure-ftpd', 'proftpd']) {
    it(`${server}.mlst.txt: the fact line of each MLST reply, with its absolute pathname`, () => {
      const replies = new ReplyParser().push(read(`${server}.mlst.txt`));
      assert.equal(replies.length, 2);
      const [file, folder] = replies.map((reply) => parseMlstEntry(reply.lines[1]!));
      const mlsd = parseListing(read(`${server}.mlsd.pub.txt`), { dir: '/pub', now: NOW });
      // MLST and MLSD of the same server describe the same file the same way
      assert.deepEqual(file, mlsd.find((e) => e.name === 'hello.txt'));
      assert.equal(folder?.path, '/pub/nested');
      assert.equal(folder?.name, 'nested');
      assert.equal(folder?.type, 'dir');
    });
  }
});

describe('ListingParser', () => {
  const line = '-rw-r--r--    1 0        0              22 Nov 25 11:31 hello.txt\r\n';

  it('joins the folder and the name the POSIX way', () => {
    const paths = (dir?: string): string | undefined => parseListing(line, dir === undefined ? { now: NOW } : { dir, now: NOW })[0]?.path;
    assert.equal(paths(), 'hello.txt');
    assert.equal(paths(''), 'hello.txt');
    assert.equal(paths('/'), '/hello.txt');
    assert.equal(paths('/pub/'), '/pub/hello.txt');
    assert.equal(paths('/pub//nested/../x'), '/pub/x/hello.txt');
    assert.equal(paths('rel'), 'rel/hello.txt');
    assert.equal(paths('.'), 'hello.txt');
  });

  it('reads a last line that has no line break once end() is called', () => {
    const parser = new ListingParser({ now: NOW });
    assert.deepEqual(parser.push(Buffer.from(line.slice(0, -2))), []);
    assert.equal(parser.end()[0]?.name, 'hello.txt');
  });

  it('skips lines it cannot read (headers, notes, total N) and keeps the rest of the listing', () => {
    // A decision: one line in a form nobody documented must not cost the user the other
    // entries. The format is still decided by the first line that reads as one.
    const listing = [
      'total 1068',
      'Listing of /pub:',
      '',
      line.trimEnd(),
      'this line is not an entry',
      '12-25-24  02:30PM       <DIR>          dos-line-in-a-unix-listing',
      '-rw-r--r--    1 0        0              37 Nov 25 11:31 crlf.txt',
      '',
    ].join('\r\n');
    const parser = new ListingParser({ now: NOW });
    const entries = parser.push(Buffer.from(listing)).concat(parser.end());
    assert.deepEqual(entries.map((e) => e.name), ['hello.txt', 'crlf.txt']);
  });

  it('detects the format per listing, and again after end()', () => {
    const parser = new ListingParser({ now: NOW });
    assert.equal(parser.format, null);
    parser.push(Buffer.from(line));
    assert.equal(parser.format, 'unix');
    parser.end();
    assert.equal(parser.format, null);
    assert.equal(parser.push(Buffer.from('type=file;size=3; a\r\n'))[0]?.size, 3);
    assert.equal(parser.format, 'mlsd');
    parser.end();
    assert.equal(parser.push(Buffer.from('12-25-24  02:30PM  3 b\r\n'))[0]?.name, 'b');
    assert.equal(parser.format, 'dos');
  });

  it('takes the format from the caller: an MLSD line with no facts reads only then', () => {
    assert.deepEqual(parseListing(' bare name\r\n'), []);
    const [entry] = parseListing(' bare name\r\n', { format: 'mlsd' });
    assert.equal(entry?.name, 'bare name');
    assert.equal(entry?.type, 'file');
  });

  it('skips ., .., cdir and pdir: the folder and its parent are not its contents', () => {
    const unix = 'drwxr-xr-x 2 0 0 4096 Nov 25 11:31 .\r\ndrwxr-xr-x 2 0 0 4096 Nov 25 11:31 ..\r\n';
    assert.deepEqual(parseListing(unix, { now: NOW }), []);
    const mlsd = 'type=cdir; /pub\r\ntype=pdir; ..\r\ntype=dir; .\r\n';
    assert.deepEqual(parseListing(mlsd), []);
  });

  it('carries names that are not UTF-8 as their raw bytes (decodeRaw)', () => {
    const bytes = Buffer.concat([Buffer.from('type=file;size=1; caf'), Buffer.from([0xe9]), Buffer.from('\r\n')]);
    assert.equal(parseListing(bytes)[0]?.name, 'caf\uDCE9');
  });

  it('bounds the line length with a ProtocolError, and stays broken after it', () => {
    const parser = new ListingParser({ maxLineBytes: 100 });
    assert.throws(
      () => {
        for (let i = 0; i < 1000; i++) parser.push(Buffer.from('x'));
      },
      (e: unknown) => e instanceof ProtocolError && FtpPyError.is(e) && e.code === 'FTPPY_ERR_TOO_LARGE',
    );
    assert.throws(() => parser.push(Buffer.from(line)), ProtocolError);
    assert.throws(() => parser.end(), ProtocolError);
    // a line of exactly the bound is still read
    const long = `type=file;size=1; ${'n'.repeat(100 - 18)}\r\n`;
    assert.equal(parseListing(long, { maxLineBytes: 100 })[0]?.name.length, 82);
  });
});
