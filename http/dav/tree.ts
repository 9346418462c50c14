import { doneAtCallback } from '../../common/lent-chunks.js';
import { pump } from '../../common/pump.js';
import { FileSystemError, type FileInfo, type UserFileSystem } from '../../server/index.js';

// COPY's copying: a file, or a folder with or without what it holds, dead properties
// included, through the user's filesystem so that its rights, root and quotas apply.
// Bytes are streamed, never held.

// Through `pump` rather than `pipeline`: a large file's reads then go round a few
// buffers lent to the file writer instead of a fresh 256 KiB buffer per read, which V8
// frees only at its next collection. Copying 128 MiB had raised the server's peak RSS
// by 18-19 MB; lent, by nothing measurable (spec/http/memory.spec.ts).
async function copyFile(fs: UserFileSystem, from: string, to: string): Promise<void> {
  const { stream } = await fs.read(from);
  const upload = await fs.upload(to);
  try {
    await pump(stream, upload.stream, { waitForClose: true, sinkDoneAtCallback: doneAtCallback(upload.stream) });
    await upload.commit();
  } catch (error) {
    stream.destroy();
    await upload.discard();
    throw error;
  }
}

/** Copies `from` to `to` (nothing is there): a file, or a folder with (deep) or without its contents. */
export async function copyTree(fs: UserFileSystem, source: FileInfo, to: string, deep: boolean): Promise<void> {
  if (source.kind !== 'dir') {
    await copyFile(fs, source.path, to);
  } else {
    await fs.mkdir(to);
    if (deep) {
      for await (const entry of fs.list(source.path)) {
        const info = entry.kind === 'link' ? await fs.stat(entry.path).catch(() => null) : entry;
        if (info) await copyTree(fs, info, `${to}/${entry.name}`, true);
      }
    }
  }
  await fs.copyProperties(source.path, to, false).catch((error: unknown) => {
    // A user without write right never got here; a sidecar that cannot be read loses
    // only properties, and the copy itself stands.
    if (!(error instanceof FileSystemError)) throw error;
  });
}
