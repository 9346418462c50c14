import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { posix } from 'node:path';
import { FtpPyError, InvalidArgumentError, ReplyError } from '../../common/errors.js';
import { nativePath } from '../../protocol/text.js';
import type { ClientCore } from '../client/core.js';
import { rmdir } from '../client/directories.js';
import { list } from '../client/listing.js';
import { ensureRemoteDir } from '../client/remote-listing.js';
import { upload } from '../client/upload.js';
import { describe, warn } from '../../common/warnings.js';
import type { Backup, BackupOptions } from './options.js';
import { runContext, syncTrees } from './sync.js';
import { describeSource, readManifest, writeManifest, type ManifestEntry } from './manifest.js';

const NAME = /^backup_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `backup_YYYYMMDD_HHMMSS`, in UTC. */
export function backupName(date: Date): string {
  const day = `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
  return `backup_${day}_${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

/** When the backup of that name was taken, or null when the name is not a backup's. */
export function backupTime(name: string): Date | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  return new Date(time).getUTCDate() === day ? new Date(time) : null;
}

/**
 * `backups(target)`: the backup folders in `target`, newest first, each with its file
 * count and size from its manifest (one small download each); null when `target` cannot
 * be listed (warned).
 */
export async function backups(core: ClientCore, target: string, signal?: AbortSignal): Promise<Backup[] | null> {
  const found = await backupFolders(core, target, signal);
  if (!found) return null;
  await Promise.all(found.map(async (backup) => {
    const manifest = await readManifest(core, backup.path, signal);
    if (!manifest) return;
    const files = manifest.entries.filter((entry) => entry.type === 'file');
    backup.files = files.length;
    backup.size = files.reduce((sum, entry) => sum + entry.size, 0);
  }));
  return found;
}

/** The backup folders in `target` by their names alone, newest first. */
async function backupFolders(core: ClientCore, target: string, signal?: AbortSignal): Promise<Backup[] | null> {
  const entries = await list(core, target, signal ? { signal } : {});
  if (!entries) return null;
  const found: Backup[] = [];
  for (const entry of entries) {
    const created = entry.type === 'dir' ? backupTime(entry.name) : null;
    if (created) found.push({ name: entry.name, path: entry.path, created });
  }
  return found.sort((a, b) => b.created.getTime() - a.created.getTime());
}

/**
 * Makes `target/backup_YYYYMMDD_HHMMSS` (and `target` if missing). Two backups within the
 * same second would share a folder, so a name already taken moves on by a second: names
 * stay unique and in order, at the cost of a label a second late.
 */
function createFolder(core: ClientCore, target: string, signal?: AbortSignal): Promise<string | null> {
  return core.run<string | null>({ name: 'backup', path: target, fallback: null, signal }, (attempt) =>
    attempt.use(async (connection) => {
      await ensureRemoteDir(connection, target);
      const start = Math.floor(Date.now() / 1000) * 1000;
      for (let late = 0; late < 60; late++) {
        const folder = posix.join(target, backupName(new Date(start + late * 1000)));
        const made = await connection.request('MKD', folder);
        if (made.code < 400) return folder;
        if ((await connection.request('CWD', folder)).code >= 400) throw new ReplyError(`MKD ${folder}`, made);
      }
      throw new FtpPyError('FTPPY_ERR_TREE_CONFLICT', 'every backup name for the next minute is taken');
    }),
  );
}

function checkSources(sources: unknown): string[] {
  const list = typeof sources === 'string' ? [sources] : sources;
  if (!Array.isArray(list) || list.length === 0 || !list.every((source) => typeof source === 'string' && source !== '')) {
    throw new InvalidArgumentError('backup sources must be a path or a non-empty array of paths');
  }
  const names = new Map<string, string>();
  for (const source of list as string[]) {
    const name = basename(resolve(source));
    const other = names.get(name);
    if (other !== undefined) throw new InvalidArgumentError(`backup sources ${JSON.stringify(other)} and ${JSON.stringify(source)} would both be stored as ${name}`);
    names.set(name, source);
  }
  return list as string[];
}

/**
 * One source into the backup folder: a file uploaded with its time, a folder synced up
 * into a new one; what it was (times, modes, digests) added to `manifest`.
 */
async function backupSource(core: ClientCore, source: string, folder: string, options: BackupOptions, manifest: ManifestEntry[]): Promise<boolean> {
  const local = resolve(source);
  const target = posix.join(folder, basename(local));
  const info = await stat(nativePath(local)).catch((error: unknown) => {
    warn(`backup ${source} failed: ${describe(error)}`, 'FTPPY_ERR_LOCAL');
    return null;
  });
  if (!info) return false;
  const described = await describeSource(local, basename(local)).catch((error: unknown) => {
    warn(`backup ${source}: cannot read it for the manifest: ${describe(error)}`, 'FTPPY_ERR_LOCAL');
    return null;
  });
  if (!described) return false;
  manifest.push(...described);
  if (info.isDirectory()) {
    const results = await syncTrees(runContext(core, 'backup', local, target, options), 'up');
    return results !== null && Object.values(results).every(Boolean);
  }
  return upload(core, local, target, { ...(options.signal ? { signal: options.signal } : {}), ...(options.rate === undefined ? {} : { rate: options.rate }) }, { modified: info.mtime, atomic: true });
}

/**
 * `backup(sources, target)`: each local source (file or folder) uploaded, with its
 * modification times, under a new `target/backup_YYYYMMDD_HHMMSS/` (UTC) by its base
 * name, and a manifest of every file and folder (manifest.ts) written beside them last;
 * results per source as given. With `keep`, once every source and the manifest have
 * been stored, the oldest backups beyond that many are deleted (never after a failure).
 */
export async function backup(core: ClientCore, sources: unknown, target: string, options: BackupOptions): Promise<Record<string, boolean>> {
  const checked = checkSources(sources);
  const dir = core.resolve(target);
  const folder = await createFolder(core, dir, options.signal);
  const results: Record<string, boolean> = {};
  const manifest: ManifestEntry[] = [];
  const started = new Date();
  for (const source of checked) results[source] = folder !== null && (await backupSource(core, source, folder, options, manifest));
  // Without its manifest a backup has lost its modes and digests: every source fails.
  if (folder !== null && !(await writeManifest(core, folder, manifest, started, options.signal))) for (const source of checked) results[source] = false;
  if (folder !== null && options.keep !== undefined && Object.values(results).every(Boolean)) {
    const all = await backupFolders(core, dir, options.signal);
    for (const old of all?.slice(options.keep) ?? []) await rmdir(core, old.path, { recursive: true, ...(options.signal ? { signal: options.signal } : {}) });
  }
  return results;
}
