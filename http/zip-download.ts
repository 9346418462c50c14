import type { FileInfo, UserFileSystem } from '../server/index.js';
import { requireRight } from './auth.js';
import { signIn, type WebContext } from './context.js';
import { attachment } from './download.js';
import { HttpError } from './errors.js';
import { queryNames } from './query-path.js';
import { startAnswer, writeChunk } from './respond.js';
import type { Handler } from './router.js';
import { virtualPath } from './target.js';
import { walkTree } from './tree-walk.js';
import { zipArchive, type ZipEntry } from './zip-writer.js';

// GET /zip/{folder}: the folder as one ZIP (its name as the archive's top folder), or
// with ?name=a&name=b only those entries of it (at the archive's top). Streamed as it is
// made, chunked, one file open at a time: constant memory whatever the sizes. What was
// asked for is checked before the first byte, so a wrong name is still a 404; a failure
// after that can only cut the connection, and the client sees a short archive.

/** Each top entry under its own name, folders with all they hold below it. */
async function* entries(fs: UserFileSystem, tops: FileInfo[]): AsyncGenerator<ZipEntry> {
  for (const top of tops) {
    const cut = top.path.length - top.name.length; // keeps the top's own name
    yield asEntry(fs, top, cut);
    if (top.kind !== 'dir') continue;
    for await (const below of walkTree(fs, top.path)) {
      const entry = await followed(fs, below);
      if (entry) yield asEntry(fs, entry, cut);
    }
  }
}

/** A link as what it points to when that is a file; links to folders are left out (they could loop). */
async function followed(fs: UserFileSystem, info: FileInfo): Promise<FileInfo | null> {
  if (info.kind === 'dir' || info.kind === 'file') return info;
  if (info.kind !== 'link') return null;
  const target = await fs.stat(info.path).catch(() => null);
  return target?.kind === 'file' ? { ...info, kind: 'file', size: target.size } : null;
}

function asEntry(fs: UserFileSystem, info: FileInfo, cut: number): ZipEntry {
  const name = info.path.slice(cut);
  if (info.kind === 'dir') return { name: `${name}/`, kind: 'dir', modified: info.modified, mode: info.mode };
  return { name, kind: 'file', modified: info.modified, mode: info.mode, open: async () => (await fs.read(info.path)).stream };
}

export function zipRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs } = await signIn(context, req);
    const folder = virtualPath(target.segments, 1);
    requireRight(caller, fs.can('read'), 'read', folder);
    const names = queryNames(target.query, 'name');
    const info = await fs.stat(folder);
    if (info.kind !== 'dir') throw new HttpError(400, `Not a folder: ${folder} (download a file from /files/)`);
    const base = folder === '/' ? '' : folder;
    const chosen: FileInfo[] = [];
    for (const name of names) {
      const entry = await followed(fs, await fs.stat(`${base}/${name}`));
      if (!entry) throw new HttpError(400, `Neither a file nor a folder: ${base}/${name}`);
      chosen.push(entry);
    }
    // The whole folder is one top folder in the archive; the root has no name, so its entries are the tops.
    const whole = names.length === 0;
    const tops = !whole ? chosen : folder !== '/' ? [info] : await topsOfRoot(fs);
    const archiveName = folder === '/' ? (whole ? 'files.zip' : 'files-selection.zip') : whole ? `${info.name}.zip` : `${info.name}-selection.zip`;
    startAnswer(res, 200, { 'Content-Type': 'application/zip', 'Content-Disposition': attachment(archiveName), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    if (req.method === 'HEAD') return void res.end();
    context.stats.downloads++;
    const transfer = context.activity.start(caller.account.name, 'download', `${folder}${whole ? '' : ` (${names.length} chosen)`} as ZIP`, null);
    try {
      for await (const piece of zipArchive(entries(fs, tops))) {
        await writeChunk(res, piece);
        transfer.add(piece.length);
        context.stats.bytesOut += piece.length;
      }
      res.end();
    } finally {
      transfer.end();
    }
  };
}

async function topsOfRoot(fs: UserFileSystem): Promise<FileInfo[]> {
  const tops: FileInfo[] = [];
  for await (const info of fs.list('/')) {
    const entry = await followed(fs, info);
    if (entry) tops.push(entry);
  }
  return tops;
}
