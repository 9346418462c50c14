import { stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { ReplyError } from '../../common/errors.js';
import { nativePath } from '../../protocol/text.js';
import type { ClientCore } from '../client/core.js';
import { uploadFrom } from '../client/upload.js';
import { localDigest } from './checksum.js';
import { byPath, childOf, localPath } from './nodes.js';
import { walkLocal } from './walk-local.js';

// A backup's manifest: what each file and folder of the backup was when it was taken,
// kept in the backup folder itself, so that a server that cannot set times (no MFMT),
// modes (no SITE CHMOD) or tell digests (no HASH) loses none of them. JSON, one entry per
// path; names that are not UTF-8 carry their raw bytes as protocol/text.ts does (lone
// surrogates, which JSON escapes as \udcXX and reads back as they were).

export const MANIFEST_NAME = '.ftppy-manifest.json';

export interface ManifestEntry {
  /** Relative to the backup folder, `/` between names: `<source name>/<path in it>`. */
  path: string;
  type: 'file' | 'dir';
  /** Bytes (0 for a folder). */
  size: number;
  /** Modification time, ISO 8601 in UTC to the millisecond. */
  modified: string;
  /** Unix permission bits as octal text (`'640'`). */
  mode: string;
  /** Lower-case hex SHA-256 of a file's content. */
  sha256?: string;
}

export interface Manifest {
  format: 'ftppy-backup-manifest';
  version: 1;
  /** When the backup was taken. */
  created: string;
  entries: ManifestEntry[];
}

async function entryOf(path: string, rel: string): Promise<ManifestEntry | null> {
  const info = await stat(nativePath(path)).catch(() => null);
  if (!info || (!info.isFile() && !info.isDirectory())) return null;
  const entry: ManifestEntry = {
    path: rel,
    type: info.isFile() ? 'file' : 'dir',
    size: info.isFile() ? info.size : 0,
    modified: info.mtime.toISOString(),
    mode: (info.mode & 0o7777).toString(8),
  };
  if (info.isFile()) entry.sha256 = await localDigest(path, 'SHA-256');
  return entry;
}

/**
 * The entries of one local source (a file, or a folder and everything below it) stored
 * under `name`. Read before the upload: a file that changes meanwhile is caught by
 * `verifyBackup`, not hidden.
 */
export async function describeSource(local: string, name: string): Promise<ManifestEntry[]> {
  const top = await entryOf(local, name);
  if (!top) return [];
  const entries = [top];
  if (top.type === 'dir') {
    const tree = await walkLocal(local);
    for (const [rel, node] of tree?.nodes ?? []) {
      if (node.kind === 'other') continue;
      const entry = await entryOf(localPath(local, rel), childOf(name, rel));
      if (entry) entries.push(entry);
    }
  }
  return entries;
}

export function manifestText(entries: ManifestEntry[], created: Date): string {
  const manifest: Manifest = { format: 'ftppy-backup-manifest', version: 1, created: created.toISOString(), entries: [...entries].sort((a, b) => byPath(a.path, b.path)) };
  return `${JSON.stringify(manifest, null, 1)}\n`;
}

export function writeManifest(core: ClientCore, folder: string, entries: ManifestEntry[], created: Date, signal?: AbortSignal): Promise<boolean> {
  return uploadFrom(core, manifestText(entries, created), `${folder}/${MANIFEST_NAME}`, signal ? { signal } : {});
}

const MAX_MANIFEST = 256 * 1024 * 1024;

/**
 * The manifest of a backup folder: null when it has none (a backup made before
 * manifests, or by another tool) or it is not one; undefined when it could not be read
 * (warned, as every failed operation is).
 */
export async function readManifest(core: ClientCore, folder: string, signal?: AbortSignal): Promise<Manifest | null | undefined> {
  const path = `${folder}/${MANIFEST_NAME}`;
  const text = await core.run<string | null | undefined>({ name: 'manifest', path, fallback: undefined, signal }, (attempt) =>
    attempt.use(async (connection) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          chunks.push(chunk);
          done(size > MAX_MANIFEST ? new Error(`${path} is larger than ${MAX_MANIFEST} bytes`) : null);
        },
      });
      try {
        await connection.receive('RETR', path, sink);
      } catch (error) {
        if (error instanceof ReplyError && (error.status === 550 || error.status === 450)) return null; // none
        throw error;
      }
      return Buffer.concat(chunks).toString('utf8');
    }),
  );
  if (typeof text !== 'string') return text;
  return parseManifest(text);
}

/** A manifest's text, checked; null when it is not one. */
export function parseManifest(text: string): Manifest | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const manifest = value as Manifest;
  if (manifest?.format !== 'ftppy-backup-manifest' || !Array.isArray(manifest.entries)) return null;
  const valid = manifest.entries.every((e) => typeof e?.path === 'string' && (e.type === 'file' || e.type === 'dir') && Number.isSafeInteger(e.size) && typeof e.modified === 'string' && /^[0-7]{1,4}$/.test(e.mode));
  return valid ? manifest : null;
}
