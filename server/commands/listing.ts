import { formatMlsxLine, formatUnixLine, type ListingEntry } from '../../protocol/listing/index.js';
import { octalText } from '../../protocol/listing/mode.js';
import { FileSystemError } from '../fs/errors.js';
import type { FileInfo } from '../fs/user-fs.js';
import type { Rights } from '../options.js';
import type { Session } from '../session.js';
import { writeAll } from '../streams.js';
import { dataReady, runDataTransfer } from '../transfer.js';
import type { CommandGroup } from './types.js';

// Directory listings: LIST (ls -l lines), NLST (names), MLSD/MLST (RFC 3659 facts), and
// STAT <path> (a LIST over the control connection). Lines are written as the directory
// is read, so a listing of any size takes constant memory.

function toEntry(info: FileInfo): ListingEntry {
  return {
    name: info.name,
    path: info.path,
    size: info.size,
    dir: info.kind === 'dir',
    modified: info.modified,
    permissions: octalText(info.mode),
    type: info.kind,
    ...(info.target === undefined ? {} : { target: info.target }),
    owner: 'ftp',
    group: 'ftp',
  };
}

/** RFC 3659 §7.5.5: what this user may do to this entry, in the RFC's letters. */
function permFact(kind: FileInfo['kind'], r: Readonly<Rights>): string {
  const letters = kind === 'dir'
    ? [r.write && 'c', r.delete && 'd', 'e', r.rename && 'f', r.read && 'l', r.mkdir && 'm', r.delete && 'p']
    : [r.write && 'a', r.delete && 'd', r.rename && 'f', r.read && 'r', r.write && 'w'];
  return letters.filter(Boolean).join('');
}

function mlsxLine(session: Session, info: FileInfo, name = info.name): string {
  const options: { perm: string; facts?: string[] } = { perm: permFact(info.kind, session.fs.rights) };
  if (session.mlstFacts !== null) options.facts = session.mlstFacts;
  return formatMlsxLine({ ...toEntry(info), name }, options);
}

/** `LIST -la /pub` → `/pub`: clients pass ls options, which a server can only skip. */
function withoutOptions(arg: string): string {
  return arg.replace(/^(\s*-[a-zA-Z]+)+(\s+|$)/, '');
}

// A name with a line break would forge a second line; LIST and MLSD show it as `ls -q` does, so NLST too.
const LINE_BREAKS = /[\r\n]/g;

// Lines are sent in batches of about this many bytes: one write per line would cost a
// system call each, one write for everything would hold the whole listing in memory.
const BATCH = 16 * 1024;

async function* batches(entries: AsyncIterable<FileInfo>, line: (info: FileInfo) => string, count: (n: number) => void): AsyncGenerator<Buffer> {
  let text = '';
  const piece = (): Buffer => {
    const bytes = Buffer.from(text);
    count(bytes.length);
    text = '';
    return bytes;
  };
  for await (const entry of entries) {
    text += `${line(entry)}\r\n`;
    if (text.length >= BATCH) yield piece();
  }
  if (text !== '') yield piece();
}

async function listOver(session: Session, verb: string, arg: string, line: (info: FileInfo) => string, dirOnly = false): Promise<void> {
  if (!dataReady(session)) return;
  session.restart = 0;
  const path = session.resolve(arg);
  if (!session.fs.can('read')) throw new FileSystemError('EACCES', path, `Permission denied (no read right): ${path}`);
  const info = await session.fs.stat(path);
  if (dirOnly && info.kind !== 'dir') {
    session.reply(501, `${path} is not a directory`);
    return;
  }
  await runDataTransfer(session, {
    verb,
    path,
    direction: 'list',
    opening: `Here comes the listing of ${path}`,
    run: (socket, signal, count) => writeAll(batches(session.fs.list(path), line, count), socket, signal),
    discard: () => {},
    done: 'Listing sent',
  });
}

// STAT <path> holds its reply in memory, so it is cut short; LIST has no such bound.
const STATUS_LINES = 10_000;

/** STAT <path>: the LIST lines over the control connection (RFC 959 §4.1.3). */
export async function statusListing(session: Session, arg: string): Promise<void> {
  const path = session.resolve(withoutOptions(arg));
  const now = new Date();
  const lines = [`Status of ${path}:`];
  for await (const info of session.fs.list(path)) {
    if (lines.length > STATUS_LINES) {
      lines.push(` … cut at ${STATUS_LINES} entries: use LIST`);
      break;
    }
    lines.push(` ${formatUnixLine(toEntry(info), now)}`);
  }
  lines.push('End of status');
  session.reply(213, lines);
}

export const listing: CommandGroup = {
  LIST: {
    access: 'session',
    arg: 'optional',
    run(session, arg) {
      const now = new Date();
      return listOver(session, 'LIST', withoutOptions(arg), (info) => formatUnixLine(toEntry(info), now));
    },
  },
  NLST: {
    access: 'session',
    arg: 'optional',
    async run(session, arg) {
      const given = withoutOptions(arg);
      const listed = given === '' ? null : await session.fs.stat(session.resolve(given)).catch(() => null);
      // As vsftpd and proftpd: names relative to what was asked for, so each can be RETRieved.
      const prefix = listed?.kind !== 'dir' ? null : given.endsWith('/') ? given : `${given}/`;
      const name = (info: FileInfo): string => (given === '' ? info.name : prefix === null ? given : prefix + info.name).replace(LINE_BREAKS, '?');
      return listOver(session, 'NLST', given, name);
    },
  },
  MLSD: {
    access: 'session',
    arg: 'optional',
    run: (session, arg) => listOver(session, 'MLSD', arg, (info) => mlsxLine(session, info), true),
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
