import { UsageError } from './args.js';
import { helpOption, type Command } from './command.js';
import { displayName, longLines } from './format.js';
import { parseRemote } from './remote.js';
import { clientFlags, withClient } from './session.js';

export const search: Command = {
  name: 'search',
  summary: 'find files by name below a remote folder',
  help: `Usage: ftppy search PATTERN URL

Prints the path of every file, folder and link below URL whose name matches PATTERN:
* any characters, ? one, [abc] [a-z] [!a] one of (or not of) a set, \\x a literal x.
Quote the pattern so that the shell leaves it alone.

  -i, --ignore-case  match regardless of case
  -l, --long         long format, as ls -l
`,
  options: [{ name: 'ignore-case', short: 'i', kind: 'flag' }, { name: 'long', short: 'l', kind: 'flag' }, helpOption],
  client: true,
  async run(context) {
    const { positionals, options } = context.args;
    if (positionals.length !== 2) throw new UsageError('search takes a PATTERN and a URL');
    const [pattern, url] = positionals as [string, string];
    const remote = parseRemote(url);
    const { parallel } = clientFlags(options);
    return withClient(context, remote, async (client) => {
      let entries;
      try {
        entries = await client.search(pattern, remote.path, { ignoreCase: options['ignore-case'] === true, concurrency: parallel, signal: context.signal });
      } catch (error) {
        if (error instanceof TypeError) throw new UsageError(error.message); // a pattern that is not a glob
        throw error;
      }
      if (!entries) {
        context.output.json({ ok: false, entries: null });
        return false;
      }
      const lines = options.long ? longLines(entries, (entry) => entry.path) : entries.map((entry) => displayName(entry, entry.path));
      for (const line of lines) context.output.data(line);
      context.output.json({ ok: true, entries });
      return true;
    });
  },
};
