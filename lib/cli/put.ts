import { stat } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError } from './args.js';
import { helpOption, type Command } from './command.js';
import { localsThenUrl } from './remote.js';
import { clientFlags, withClient } from './session.js';
import { runTransfers, type TransferJob } from './transfers.js';

export const put: Command = {
  name: 'put',
  summary: 'upload files (- reads stdin)',
  help: `Usage: ftppy put LOCAL [LOCAL…] URL

Uploads files. A URL ending in / (or naming no path) is a folder that receives each
file by its name; otherwise, for one file, it is the file's remote name. - uploads
what comes on stdin (a stream is retried only while none of it has been sent).

  -n, --no-clobber   leave remote files that exist alone
  -p, --parents      make missing remote folders
  -c, --continue     go on from what the server holds, when it is the start of the
                     file (checked by HASH where the server has it, else by size)
      --checksum     compare the server's digest (HASH, XSHA256, …) with the file's
                     after the upload; a mismatch is retried, then fails
`,
  options: [{ name: 'no-clobber', short: 'n', kind: 'flag' }, { name: 'parents', short: 'p', kind: 'flag' }, { name: 'continue', short: 'c', kind: 'flag' }, { name: 'checksum', kind: 'flag' }, helpOption],
  client: true,
  async run(context) {
    const { positionals, options } = context.args;
    const { locals, remote } = localsThenUrl(positionals, 'put takes one or more local files and a URL');
    if (locals.includes('-') && (locals.length > 1 || remote.folder)) throw new UsageError('- (stdin) is one file and wants a URL with a file name');
    if (locals.length > 1 && !remote.folder) throw new UsageError('several files go into a folder: end the URL with /');
    const sizes = await Promise.all(locals.map((local) => (local === '-' ? null : stat(local).then((s) => (s.isDirectory() ? 'folder' : s.size), () => null))));
    const folderAt = sizes.indexOf('folder');
    if (folderAt !== -1) throw new UsageError(`put takes files, and ${locals[folderAt]} is a folder (sync up sends folders)`);
    const flags = clientFlags(options);
    const transfer = { replace: options['no-clobber'] !== true, dirs: options.parents === true, resume: options.continue === true, checksum: options.checksum === true, signal: context.signal };
    const { resume: _resume, checksum: _checksum, ...streamed } = transfer; // a stream cannot be compared with what the server holds, nor hashed here afterwards
    return withClient(context, remote, async (client) => {
      const jobs: TransferJob[] = locals.map((local, i) => {
        const target = remote.folder ? posix.join(remote.path, basename(local)) : remote.path;
        return {
          key: local,
          label: `${local === '-' ? 'stdin' : local} -> ${target}`,
          size: sizes[i] as number | null,
          run: (progress) => (local === '-' ? client.uploadFrom(context.stdin as Readable, target, { ...streamed, progress }) : client.upload(local, target, { ...transfer, progress })),
        };
      });
      const results = await runTransfers(context.output, 'uploaded', jobs, flags.parallel);
      const ok = Object.values(results).every(Boolean);
      context.output.json({ ok, results });
      return ok;
    });
  },
};
