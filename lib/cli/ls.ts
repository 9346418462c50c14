import { posix } from 'node:path';
import { UsageError } from './args.js';
import { helpOption, type Command } from './command.js';
import { displayName, longLines } from './format.js';
import { parseRemote } from './remote.js';
import { withClient } from './session.js';

export const ls: Command = {
  name: 'ls',
  summary: 'list a remote folder (-R: the whole tree, -l: long format)',
  help: `Usage: ftppy ls [-R] [-l] URL

Lists a remote folder: names, folders with a trailing /.

  -R, --recursive    the whole tree below it, as paths relative to it
  -l, --long         mode, owner, group, size, modification time (local) and name
`,
  options: [
    { name: 'recursive', short: 'R', kind: 'flag' },
    { name: 'long', short: 'l', kind: 'flag' },
    helpOption,
  ],
  client: true,
  async run(context) {
    const { positionals, options } = context.args;
    if (positionals.length !== 1) throw new UsageError('ls takes one URL');
    const remote = parseRemote(positionals[0]!);
    const deep = options.recursive === true;
    return withClient(context, remote, async (client) => {
      const entries = await client.list(remote.path, { deep, signal: context.signal });
      const { output } = context;
      if (!entries) {
        output.json({ ok: false, entries: null });
        return false;
      }
      const base = await client.pwd().then((cwd) => posix.resolve(cwd, remote.path));
      const nameOf = deep ? (entry: { path: string }) => posix.relative(base, entry.path) : (entry: { name: string }) => entry.name;
      const sorted = deep ? entries : [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const lines = options.long ? longLines(sorted, nameOf) : sorted.map((entry) => displayName(entry, nameOf(entry)));
      for (const line of lines) output.data(line);
      output.json({ ok: true, entries: sorted });
      return true;
    });
  },
};
