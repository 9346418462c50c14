import { posix } from 'node:path';
import { backupTime } from '../tree/backup.js';
import { UsageError } from './args.js';
import type { Client } from '../client.js';
import { helpOption, type Command, type CommandContext } from './command.js';
import { localsThenUrl, parseRemote } from './remote.js';
import { clientFlags, withClient } from './session.js';
import { runTree } from './sync.js';
import { TreeReport } from './tree-report.js';

// backup, backups, restore: timestamped copies of local files on the server, and back.

export const backup: Command = {
  name: 'backup',
  summary: 'upload local files and folders into a new backup_YYYYMMDD_HHMMSS folder',
  help: `Usage: ftppy backup LOCAL [LOCAL…] URL

Uploads each local file or folder, with its modification times, into a new folder
URL/backup_YYYYMMDD_HHMMSS (UTC), by its name.

  --keep N           after a backup that fully succeeded, delete the oldest beyond N
`,
  options: [{ name: 'keep', kind: 'number' }, helpOption],
  client: true,
  async run(context) {
    const { positionals, options } = context.args;
    const { locals: sources, remote } = localsThenUrl(positionals, 'backup takes one or more local paths and a URL');
    const keep = options.keep as number | undefined;
    if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) throw new UsageError(`--keep wants a whole number ≥ 1, got ${keep}`);
    const { parallel } = clientFlags(options);
    return withClient(context, remote, async (client) => {
      const report = new TreeReport(context.output);
      const results = await client.backup(sources, remote.path, {
        concurrency: parallel, signal: context.signal, progress: report.callback, ...(keep === undefined ? {} : { keep }),
      });
      report.finish('backup', results, { unchanged: false });
      const ok = Object.values(results).every(Boolean);
      // the folder just made is the newest: name it, for the restore to come
      const newest = ok ? (await client.backups(remote.path, { signal: context.signal }))?.[0] : undefined;
      if (newest) context.output.note(`backup: ${newest.path}`);
      context.output.json({ ok, results, backup: newest?.path ?? null });
      return ok;
    });
  },
};

export const backups: Command = {
  name: 'backups',
  summary: 'list the backups in a remote folder, newest first',
  help: `Usage: ftppy backups URL

Lists the backup_YYYYMMDD_HHMMSS folders in URL, newest first, with when each was taken.
`,
  options: [helpOption],
  client: true,
  async run(context) {
    const { positionals } = context.args;
    if (positionals.length !== 1) throw new UsageError('backups takes one URL');
    const remote = parseRemote(positionals[0]!);
    return withClient(context, remote, async (client) => {
      const found = await client.backups(remote.path, { signal: context.signal });
      for (const entry of found ?? []) context.output.data(`${entry.path}  ${entry.created.toISOString()}`);
      context.output.json({ ok: found !== null, backups: found });
      return found !== null;
    });
  },
};

/** The backup to restore: the folder named, when it is a backup's; else the newest backup in it, or null (warned). */
async function backupFolder(client: Client, path: string, context: CommandContext): Promise<string | null> {
  if (backupTime(posix.basename(path)) !== null) return path;
  const found = await client.backups(path, { signal: context.signal });
  if (!found) return null;
  if (!found[0]) {
    context.output.warning(`restore ${posix.resolve(await client.pwd(), path)}: holds no backup_YYYYMMDD_HHMMSS folder`);
    return null;
  }
  context.output.note(`restore: ${found[0].path}`);
  return found[0].path;
}

export const restore: Command = {
  name: 'restore',
  summary: 'bring a remote backup down into a local folder',
  help: `Usage: ftppy restore URL LOCAL

Downloads a backup into LOCAL (made when missing), with the original modification
times; local files the backup does not hold are kept. URL is a backup_… folder, or the
folder that holds backups: then the newest is restored.

  -n, --dry-run      say what would be done, and do nothing
`,
  options: [{ name: 'dry-run', short: 'n', kind: 'flag' }, helpOption],
  client: true,
  async run(context) {
    const { positionals, options } = context.args;
    if (positionals.length !== 2) throw new UsageError('restore takes a URL and a local folder');
    const [url, local] = positionals as [string, string];
    const dryRun = options['dry-run'] === true;
    return runTree(context, 'restore', local, parseRemote(url), async (client, here, there, rest) => {
      const chosen = await backupFolder(client, there, context);
      return chosen === null ? {} : client.restore(chosen, here, { ...rest, dryRun });
    }, dryRun);
  },
};
