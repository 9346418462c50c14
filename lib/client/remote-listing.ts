import { Writable } from 'node:stream';
import type { FtpConnection } from '../../protocol/connection.js';
import { FtpPyError, ReplyError } from '../../common/errors.js';
import { ListingParser, parseMlstEntry, type ListingEntry } from '../../protocol/listing/index.js';
import { warn } from '../../common/warnings.js';
import { printable } from '../../protocol/text.js';
import { remoteName, remoteParent } from './remote-path.js';

// What one leased connection can find out about remote paths. Paths are absolute.

/** The entries of a directory: MLSD when FEAT offers MLST (exact facts), LIST otherwise. */
export async function listDirectory(connection: FtpConnection, dir: string): Promise<ListingEntry[]> {
  return (await readDirectory(connection, dir)).entries;
}

/** What readDirectory found out about a folder. */
export interface DirectoryListing {
  entries: ListingEntry[];
  /** MLSD's entries: times in UTC to the second, where LIST's are to the minute or the day, in the server's time zone. */
  machine: boolean;
  /** Whether dot files are among them (MLSD and `LIST -a` show them; a plain LIST may not). */
  dotFiles: boolean;
  /** Lines that were not read as entries (no known format) or were refused (unsafe names): the entries may not be all. */
  unread: number;
  /** Of those, the lines in no known format (warned about): the folder's entries are not all there. */
  unparsed: number;
}

/** A directory's entries, and how far they can be trusted to be all of them. */
export async function readDirectory(connection: FtpConnection, dir: string): Promise<DirectoryListing> {
  if (connection.features.mlst) {
    try {
      return { ...(await readListing(connection, 'MLSD', dir)), machine: true, dotFiles: true };
    } catch (error) {
      // MLST listed but MLSD not understood: LIST still works.
      if (!(error instanceof ReplyError) || (error.status !== 500 && error.status !== 502)) throw error;
    }
  }
  // vsftpd, pure-ftpd and proftpd hide dot files from a plain LIST (MLSD shows them): -a
  // shows them. A server that does not know -a refuses it or (pyftpdlib) lists nothing.
  const all = await readListing(connection, 'LIST', dir, '-a ').catch((error: unknown) => {
    if (error instanceof ReplyError && (error.status ?? 0) >= 500) return { entries: [], unread: 0, unparsed: 0 };
    throw error;
  });
  if (all.entries.length > 0 || all.unread > 0) return { ...all, machine: false, dotFiles: true };
  return { ...(await readListing(connection, 'LIST', dir)), machine: false, dotFiles: false };
}

/**
 * One listing, read whole. Lines whose names could lead out of the folder are skipped by
 * the parser and warned about once the listing has arrived (a listing cut short and
 * retried does not warn twice for its first lines).
 */
async function readListing(connection: FtpConnection, verb: 'MLSD' | 'LIST', dir: string, flags = ''): Promise<{ entries: ListingEntry[]; unread: number; unparsed: number }> {
  const refused: string[] = [];
  const unparsed: string[] = [];
  let unread = 0;
  const onRefused = (line: string, why: string): void => void refused.push(`${JSON.stringify(line)}: ${why}`);
  const onUnread = (line: string): void => {
    if (unread++ < SHOWN_LINES) unparsed.push(line);
  };
  const encoding = connection.options.encoding ?? 'utf8';
  const parser = new ListingParser({ dir, onRefused, onUnread, encoding, ...(verb === 'MLSD' ? { format: 'mlsd' as const } : {}) });
  const entries: ListingEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        for (const entry of parser.push(chunk)) entries.push(entry);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  await connection.receive(verb, flags + dir, sink);
  for (const entry of parser.end()) entries.push(entry);
  for (const line of refused) warn(`list ${dir}: skipped the entry ${line}`, 'FTPPY_ERR_UNSAFE_NAME');
  for (const line of unparsed) warn(`list ${dir}: a line in no listing format FtpPy reads, so the folder may hold more than was listed: ${JSON.stringify(printable(line))}`, 'FTPPY_ERR_LISTING_LINE');
  if (unread > SHOWN_LINES) warn(`list ${dir}: ${unread - SHOWN_LINES} more lines in no listing format FtpPy reads`, 'FTPPY_ERR_LISTING_LINE');
  return { entries, unread: unread + refused.length, unparsed: unread };
}

// Lines in no known format warned about one by one; past these, one warning counts the rest.
const SHOWN_LINES = 5;

const root: ListingEntry = { name: '/', path: '/', size: 0, dir: true, modified: null, permissions: null, type: 'dir' };

/**
 * The listing entry of one path: MLST when offered, else the entry of that name in its
 * parent's listing. null when the server says it does not exist (or may not be seen).
 */
export async function statRemote(connection: FtpConnection, path: string): Promise<ListingEntry | null> {
  if (path === '/') return { ...root };
  if (connection.features.mlst) {
    const reply = await connection.request('MLST', path);
    if (reply.code === 250) {
      const facts = reply.lines.slice(1, -1).find((line) => line.trim() !== '') ?? reply.lines[0] ?? '';
      // The entry of the path asked about, whatever path the server wrote.
      return { ...parseMlstEntry(facts, remoteParent(path)), name: remoteName(path), path };
    }
    if (reply.code === 550 || reply.code === 450) return null;
    if (reply.code !== 500 && reply.code !== 502) throw new ReplyError(`MLST ${path}`, reply);
  }
  const name = remoteName(path);
  try {
    return (await listDirectory(connection, remoteParent(path))).find((entry) => entry.name === name) ?? null;
  } catch (error) {
    if (error instanceof ReplyError && (error.status === 550 || error.status === 450)) return null;
    throw error;
  }
}

/**
 * Whether a path exists, as cheaply as the server allows: MLST, else SIZE (a file), else
 * CWD (a folder), else the parent's listing (servers with neither MLST nor SIZE, such as
 * aioftp). A lost connection throws, and so does a question nothing can answer (the
 * listing fails, or may hide the dot file asked about): `replace: false` must not guess.
 */
export async function remoteExists(connection: FtpConnection, path: string): Promise<boolean> {
  if (path === '/') return true;
  if (connection.features.mlst) {
    const reply = await connection.request('MLST', path);
    if (reply.code < 400) return true;
    if (reply.code === 550 || reply.code === 450) return false;
  }
  const size = await connection.request('SIZE', path);
  if (size.code === 213) return true;
  if ((await connection.request('CWD', path)).code < 400) return true;
  // SIZE is there and knows no such file (nor CWD such a folder).
  if (size.code === 550 || size.code === 450) return false;
  return listedIn(connection, path);
}

async function listedIn(connection: FtpConnection, path: string): Promise<boolean> {
  const parent = remoteParent(path);
  const name = remoteName(path);
  const undecided = (why: string, cause?: unknown): Error =>
    new FtpPyError('FTPPY_ERR_UNSUPPORTED', `cannot tell whether ${path} exists: the server answers neither MLST nor SIZE for it, and ${why}`, { cause });
  let listing: DirectoryListing;
  try {
    listing = await readDirectory(connection, parent);
  } catch (error) {
    if (!(error instanceof ReplyError)) throw error;
    // A folder that is not there holds nothing; one that cannot be listed may hold anything.
    if ((await connection.request('CWD', parent)).code >= 400) return false;
    throw undecided(`listing ${parent} failed: ${error.status} ${error.reply?.message ?? ''}`.trimEnd(), error);
  }
  if (listing.entries.some((entry) => entry.name === name)) return true;
  if (name.startsWith('.') && !listing.dotFiles) throw undecided(`the listing of ${parent} may hide dot files`);
  // A line not read, or refused, may be the one that names it.
  if (listing.unread > 0) throw undecided(`${listing.unread} line(s) of the listing of ${parent} could not be read as entries`);
  return false;
}

/**
 * SIZE (RFC 3659 §4) in binary mode; null when the size is unknown: the server has no
 * SIZE, or says 213 without a number (ftp-srv answers `213 File status` for an empty
 * file), which is no mismatch to fail a transfer over. Other refusals throw.
 */
export async function remoteSize(connection: FtpConnection, path: string): Promise<number | null> {
  const reply = await connection.request('SIZE', path);
  if (reply.code === 213) {
    const text = reply.message.trim();
    const size = Number(text);
    return /^\d+$/.test(text) && Number.isSafeInteger(size) ? size : null;
  }
  if (reply.code === 500 || reply.code === 502) return null;
  throw new ReplyError(`SIZE ${path}`, reply);
}

/** Creates `dir` and any missing parents. A directory that exists already (or appears meanwhile) is fine. */
export async function ensureRemoteDir(connection: FtpConnection, dir: string): Promise<void> {
  if (dir === '/' || (await connection.request('CWD', dir)).code < 400) return;
  await ensureRemoteDir(connection, remoteParent(dir));
  const made = await connection.request('MKD', dir);
  if (made.code >= 400 && (await connection.request('CWD', dir)).code >= 400) throw new ReplyError(`MKD ${dir}`, made);
}
