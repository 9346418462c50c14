import { formatMlsxLine, UnixLineFormatter, type ListingEntry } from '../../protocol/listing/index.js';
import { octalText } from '../../protocol/listing/mode.js';
import { encodeRaw } from '../../protocol/text.js';
import { FileSystemError } from '../fs/errors.js';
import { baseName, parentOf } from '../fs/path.js';
import type { FileInfo } from '../fs/user-fs.js';
import type { Rights } from '../options.js';
import { writeAll } from '../streams.js';
import { dataReady, runDataTransfer } from '../transfer.js';
import { globMatcher, hasGlob, parseLsArgs } from './ls-args.js';
import type { CommandContext } from './context.js';
import type { CommandGroup } from './types.js';

// Directory listings: LIST (ls -l lines), NLST (names), MLSD/MLST (RFC 3659 facts), and
// STAT <path> (a LIST over the control connection). Entries come sorted by name from the
// storage, and lines are written as they are formatted, a batch at a time.

function toEntry(info: FileInfo): ListingEntry {
  const entry: ListingEntry = {
    name: info.name,
    path: info.path,
    size: info.size,
    dir: info.kind === 'dir',
    modified: info.modified,
    permissions: octalText(info.mode),
    type: info.kind,
    owner: 'ftp',
    group: 'ftp',
  };
  if (info.target !== undefined) entry.target = info.target;
  return entry;
}

/** RFC 3659 §7.5.5: what this user may do to this entry, in the RFC's letters. */
function permFact(kind: FileInfo['kind'], r: Readonly<Rights>): string {
  const letters = kind === 'dir'
    ? [r.write && 'c', r.delete && 'd', 'e', r.rename && 'f', r.read && 'l', r.mkdir && 'm', r.delete && 'p']
    : [r.write && 'a', r.delete && 'd', r.rename && 'f', r.read && 'r', r.write && 'w'];
  return letters.filter(Boolean).join('');
}

function mlsxLine(session: CommandContext, info: FileInfo, name = info.name): string {
  const options: { perm: string; facts?: string[] } = { perm: permFact(info.kind, session.fs.rights) };
  if (session.mlstFacts !== null) options.facts = [...session.mlstFacts];
  return formatMlsxLine({ ...toEntry(info), name }, options);
}

// A name with a line break would forge a second line; LIST and MLSD show it as `ls -q` does, so NLST too.
const LINE_BREAKS = /[\r\n]/g;

// Lines are sent in batches of about this many bytes: one write per line would cost a
// system call each, one write for everything would hold the whole listing in memory.
const BATCH = 16 * 1024;

// Entries come a page (array) at a time (UserFileSystem.listPages): a folder of 100 files
// listed entry by entry went through four async generators per entry, which under load
// was most of what the server allocated.
type Pages = AsyncIterable<readonly FileInfo[]>;

async function* batches(pages: Pages, line: (info: FileInfo) => string, count: (n: number) => void): AsyncGenerator<Buffer> {
  let text = '';
  const piece = (): Buffer => {
    const bytes = encodeRaw(text);
    count(bytes.length);
    text = '';
    return bytes;
  };
  for await (const page of pages) {
    for (const entry of page) {
      text += `${line(entry)}\r\n`;
      if (text.length >= BATCH) yield piece();
    }
  }
  if (text !== '') yield piece();
}

/**
 * Which entries of a folder a listing shows (LIST, NLST, MLSD, STAT): the one place that
 * decides. LIST and NLST show dot files only with -a (or to a glob that begins with a
 * dot), as ls and vsftpd; MLSD passes `all`, being read by programs (ours syncs dot files
 * through it).
 */
function shownBy(options: { all: boolean; glob?: ((name: string) => boolean) | null }): (info: FileInfo) => boolean {
  const { all, glob } = options;
  if (glob) return (info) => glob(info.name);
  return all ? () => true : (info) => !info.name.startsWith('.');
}

async function* only(pages: Pages, shown: (info: FileInfo) => boolean): Pages {
  for await (const page of pages) {
    const kept = page.filter(shown);
    if (kept.length > 0) yield kept;
  }
}

/** What a LIST, NLST or STAT argument names: an entry, or a folder and a glob on its names. */
interface Target {
  /** The virtual path listed. */
  path: string;
  info: FileInfo;
  glob: ((name: string) => boolean) | null;
}

/**
 * A path that exists is listed as it is, even when its name holds `*` or `?`; only a
 * missing one whose last name holds a glob character is taken as a pattern, as vsftpd
 * does (a glob in a folder's name is not expanded).
 */
async function findTarget(session: CommandContext, given: string): Promise<Target> {
  const path = session.resolve(given);
  try {
    return { path, info: await session.fs.stat(path), glob: null };
  } catch (error) {
    if (!(error instanceof FileSystemError) || error.code !== 'ENOENT' || !hasGlob(baseName(path))) throw error;
    const folder = await session.fs.stat(parentOf(path));
    if (folder.kind !== 'dir') throw error;
    return { path: folder.path, info: folder, glob: globMatcher(baseName(path)) };
  }
}

/** The entries a listing of `target` holds: a folder's, filtered, or the one entry named. */
function entriesOf(session: CommandContext, target: Target, all: boolean): Pages {
  const entries = session.fs.listPages(target.path);
  return target.info.kind === 'dir' ? only(entries, shownBy({ all, glob: target.glob })) : entries;
}

async function listOver(session: CommandContext, verb: string, path: string, entries: () => Pages, line: (info: FileInfo) => string): Promise<void> {
  await runDataTransfer(session, {
    verb,
    path,
    direction: 'list',
    opening: `Here comes the listing of ${path}`,
    run: (socket, signal, count) => writeAll(batches(entries(), line, count), socket, signal),
    discard: () => {},
    done: 'Listing sent',
  });
}

/** LIST and NLST: ls options, a path or a glob. */
async function lsOver(session: CommandContext, verb: 'LIST' | 'NLST', arg: string): Promise<void> {
  if (!dataReady(session)) return;
  session.takeRestart(); // a listing uses up a REST, as a transfer does
  const { all, long, path: given } = parseLsArgs(arg);
  // Before anything is looked up: without the right, whether a path exists is not told.
  if (!session.fs.can('read')) {
    const path = session.resolve(given);
    throw new FileSystemError('EACCES', path, `Permission denied (no read right): ${path}`);
  }
  const target = await findTarget(session, given);
  let line: (info: FileInfo) => string;
  if (verb === 'LIST' || long) {
    const format = new UnixLineFormatter(new Date());
    line = (info) => format.line(toEntry(info));
  } else {
    const prefix = nameListPrefix(given, target);
    line = (info) => (prefix === null ? given : prefix + info.name).replace(LINE_BREAKS, '?');
  }
  return listOver(session, verb, target.path, () => entriesOf(session, target, all), line);
}

/**
 * What NLST writes before each name: as vsftpd and proftpd, names relative to what was
 * asked for, so each can be RETRieved as it stands (`NLST pub` → `pub/a.txt`, `NLST
 * *.txt` → `a.txt`); null when a file was named, which is written as it was given.
 */
function nameListPrefix(given: string, target: Target): string | null {
  if (target.glob) return given.slice(0, given.lastIndexOf('/') + 1);
  if (target.info.kind !== 'dir') return null;
  return given === '' || given.endsWith('/') ? given : `${given}/`;
}

// STAT <path> holds its reply in memory, so it is cut short; LIST has no such bound.
const STATUS_LINES = 10_000;

/** STAT <path>: the LIST lines over the control connection (RFC 959 §4.1.3). */
export async function statusListing(session: CommandContext, arg: string): Promise<void> {
  const { all, path: given } = parseLsArgs(arg);
  const target = await findTarget(session, given);
  const format = new UnixLineFormatter(new Date());
  const lines = [`Status of ${target.path}:`];
  listed: for await (const page of entriesOf(session, target, all)) {
    for (const info of page) {
      if (lines.length > STATUS_LINES) {
        lines.push(` … cut at ${STATUS_LINES} entries: use LIST`);
        break listed;
      }
      lines.push(` ${format.line(toEntry(info))}`);
    }
  }
  lines.push('End of status');
  session.reply(213, lines);
}

export const listing: CommandGroup = {
  LIST: { access: 'session', arg: 'optional', run: (session, arg) => lsOver(session, 'LIST', arg) },
  NLST: { access: 'session', arg: 'optional', run: (session, arg) => lsOver(session, 'NLST', arg) },
  MLSD: {
    access: 'session',
    arg: 'optional',
    async run(session, arg) {
      if (!dataReady(session)) return;
      session.takeRestart();
      const path = session.resolve(arg);
      if (!session.fs.can('read')) throw new FileSystemError('EACCES', path, `Permission denied (no read right): ${path}`);
      if ((await session.fs.stat(path)).kind !== 'dir') {
        session.reply(501, `${path} is not a directory`);
        return;
      }
      return listOver(session, 'MLSD', path, () => only(session.fs.listPages(path), shownBy({ all: true })), (info) => mlsxLine(session, info));
    },
  },
  MLST: {
    access: 'session',
    arg: 'optional',
    async run(session, arg) {
      const path = session.resolve(arg);
      const info = await session.fs.stat(path);
      session.reply(250, [`Listing ${path}`, ` ${mlsxLine(session, info, path)}`, 'End']);
    },
  },
};
