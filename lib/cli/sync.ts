import type { Client } from '../client.js';
import { UsageError } from './args.js';
import { helpOption, type Command, type CommandContext } from './command.js';
import { parseRemote, type RemoteArg } from './remote.js';
import { clientFlags, withClient } from './session.js';
import { TreeReport } from './tree-report.js';

// The commands that compare a local folder with a remote one: sync, mirror, verify.

type TreeRun = (client: Client, local: string, remote: string, options: { concurrency: number; signal: AbortSignal; progress: TreeReport['callback'] }) => Promise<Record<string, boolean>>;

/** Runs a tree operation on LOCAL and URL with its report, and says whether every path succeeded. */
export async function runTree(context: CommandContext, name: string, local: string, remote: RemoteArg, operation: TreeRun, dryRun = false): Promise<boolean> {
  const { parallel } = clientFlags(context.args.options);
  return withClient(context, remote, async (client) => {
    const report = new TreeReport(context.output, dryRun);
    const warned = context.output.warnings.length;
    const results = await operation(client, local, remote.path, { concurrency: parallel, signal: context.signal, progress: report.callback });
    report.finish(name, results);
    // No results is two things: two empty folders (fine), or an operation that could not
    // start (a folder missing, a mirror refused), which it warned about.
    await new Promise((resolve) => setImmediate(resolve)); // warnings are delivered a tick late
    const started = Object.keys(results).length > 0 || context.output.warnings.length === warned;
    const ok = started && Object.values(results).every(Boolean);
    context.output.json({ ok, results, counts: report.counts });
    return ok;
  });
}

function localAndUrl(context: CommandContext, name: string): [string, RemoteArg] {
  const { positionals } = context.args;
  if (positionals.length !== 2) throw new UsageError(`${name} takes a local folder and a URL`);
  return [positionals[0]!, parseRemote(positionals[1]!)];
}

const dryRunOption = { name: 'dry-run', short: 'n', kind: 'flag' } as const;

export const sync: Command = {
  name: 'sync',
  summary: 'bring a local and a remote folder in line (up, down or both)',
  help: `Usage: ftppy sync up|down|both LOCAL URL

up sends what is missing or different on the server, down brings what is missing or
different here, both does each the other way with the newer file winning. Nothing is
deleted. Modification times are carried across, so a second run sends nothing.

  -n, --dry-run      say what would be done, and do nothing
`,
  options: [dryRunOption, helpOption],
  client: true,
  async run(context) {
    const [direction, ...rest] = context.args.positionals;
    if (direction !== 'up' && direction !== 'down' && direction !== 'both') throw new UsageError('sync wants up, down or both first');
    if (rest.length !== 2) throw new UsageError('sync takes a direction, a local folder and a URL');
    const dryRun = context.args.options['dry-run'] === true;
    return runTree(context, `sync ${direction}`, rest[0]!, parseRemote(rest[1]!), (client, local, remote, options) => client.sync(local, remote, direction, { ...options, dryRun }), dryRun);
  },
};

export const mirror: Command = {
  name: 'mirror',
  summary: 'make a remote folder the local one, deleting what is not here',
  help: `Usage: ftppy mirror [--dry-run] [--force] LOCAL URL

Makes the remote folder a copy of the local one: uploads what is missing or different
and deletes on the server what the local folder does not hold. A missing or empty
local folder is refused (it would delete everything there) unless --force.

  -n, --dry-run      say what would be done, and do nothing
  --force            mirror even a missing or empty local folder
`,
  options: [dryRunOption, { name: 'force', kind: 'flag' }, helpOption],
  client: true,
  async run(context) {
    const [local, url] = localAndUrl(context, 'mirror');
    const { options } = context.args;
    const dryRun = options['dry-run'] === true;
    return runTree(context, 'mirror', local, url, (client, l, r, o) => client.mirror(l, r, { ...o, dryRun, force: options.force === true }), dryRun);
  },
};

export const verify: Command = {
  name: 'verify',
  summary: 'compare a local and a remote folder (sizes, or --checksum)',
  help: `Usage: ftppy verify [--checksum] LOCAL URL

For every file on either side: does the other side hold it, with the same size? Exit
status 1 when one differs.

  --checksum         compare contents too: the server's HASH (or XSHA256, XMD5, …),
                     else the file downloaded and hashed here
`,
  options: [{ name: 'checksum', kind: 'flag' }, helpOption],
  client: true,
  async run(context) {
    const [local, url] = localAndUrl(context, 'verify');
    const checksum = context.args.options.checksum === true;
    return runTree(context, 'verify', local, url, (client, l, r, o) => client.verify(l, r, { ...o, checksum }));
  },
};
