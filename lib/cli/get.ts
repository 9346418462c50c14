import { stat } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { unsafeNameReason } from '../../protocol/listing/path.js';
import { UsageError } from './args.js';
import { helpOption, type Command } from './command.js';
import { isUrl, parseRemote, sameServer } from './remote.js';
import { clientFlags, withClient } from './session.js';
import { runTransfers, type TransferJob } from './transfers.js';

const isFolder = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * The local name a file gets in a folder: the URL path's last name, which must be a name
 * a listing could hold. `%2F` hides a slash from the URL parser, so `a%2F..` ends in `..`,
 * which would write beside the folder rather than in it.
 */
function localName(path: string): string {
  const name = posix.basename(path);
  const why = unsafeNameReason(name);
  if (why !== null) throw new UsageError(`get: ${path} gives no file name to write locally (its last name ${why}); name the local file`);
  return name;
}

export const get: Command = {
  name: 'get',
  summary: 'download files',
  help: `Usage: ftppy get URL [URL…] [LOCAL]

Downloads files. LOCAL is a file name for one URL, or a folder (the default: the
working folder; made when missing) that receives each file by its name. A file is
written beside its target and takes the target's name only when complete; a download
cut short (even killed) goes on from there the next time, when the remote file is the
same (same size and time).

  -n, --no-clobber   leave local files that exist alone
      --no-resume    start over: throw away what an earlier download left
      --checksum     compare the server's digest (HASH, XSHA256, …) with the file's
                     after the download; a mismatch is retried, then fails
      --segments N   read each file in N ranges at once, each on its own connection
                     (REST), where one connection is slower than the link; such a
                     download starts over when run again
`,
  options: [{ name: 'no-clobber', short: 'n', kind: 'flag' }, { name: 'no-resume', kind: 'flag' }, { name: 'segments', kind: 'number' }, { name: 'checksum', kind: 'flag' }, helpOption],
  client: true,
  async run(context) {
    const { positionals, options } = context.args;
    const last = positionals.at(-1);
    const local = last !== undefined && !isUrl(last) ? last : undefined;
    const sources = (local === undefined ? positionals : positionals.slice(0, -1)).map(parseRemote);
    if (sources.length === 0) throw new UsageError('get takes at least one URL');
    const folderSource = sources.find((source) => source.folder);
    if (folderSource) throw new UsageError(`get takes files, and ${folderSource.path} is a folder (sync down brings folders)`);
    const remote = sameServer(sources);
    const intoFolder = sources.length > 1 || local === undefined || local.endsWith('/') || local.endsWith(sep) || (await isFolder(local));
    const flags = clientFlags(options);
    const segments = options.segments ?? 1;
    if (typeof segments !== 'number' || !Number.isInteger(segments) || segments < 1 || segments > 64) throw new UsageError(`--segments wants a whole number from 1 to 64, got ${String(segments)}`);
    const targets = sources.map(({ path }) => (intoFolder ? join(local ?? '.', localName(path)) : local!));
    return withClient(context, remote, async (client) => {
      const jobs: TransferJob[] = sources.map(({ path }, i) => {
        const target = targets[i]!;
        return {
          key: path,
          label: `${path} -> ${target}`,
          size: null,
          run: (progress) => client.download(path, target, { dirs: intoFolder, replace: options['no-clobber'] !== true, resume: options['no-resume'] !== true, segments, checksum: options.checksum === true, progress, signal: context.signal }),
        };
      });
      const results = await runTransfers(context.output, 'downloaded', jobs, flags.parallel);
      const ok = Object.values(results).every(Boolean);
      context.output.json({ ok, results });
      return ok;
    }, flags.parallel * segments);
  },
};
