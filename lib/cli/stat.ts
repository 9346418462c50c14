import type { ListingEntry } from '../../protocol/listing/entry.js';
import { UsageError } from './args.js';
import { helpOption, type Command } from './command.js';
import { formatBytes, formatMode } from './format.js';
import { parseRemote, sameServer } from './remote.js';
import { withClient } from './session.js';

/** `field  value` lines of one entry. */
function fields(entry: ListingEntry): string[] {
  const rows: [string, string | undefined][] = [
    ['path', entry.path],
    ['type', entry.type],
    ['size', entry.dir ? String(entry.size) : `${entry.size} (${formatBytes(entry.size)})`],
    ['modified', entry.modified?.toISOString() ?? 'unknown'],
    ['permissions', entry.permissions === null ? 'unknown' : `${entry.permissions} (${formatMode(entry)})`],
    ['owner', entry.owner],
    ['group', entry.group],
    ['target', entry.target],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined).map(([name, value]) => `${name.padEnd(12)}${value}`);
}

export const stat: Command = {
  name: 'stat',
  summary: 'show what the server says of files or folders',
  help: `Usage: ftppy stat URL [URL…]

Shows a file's or folder's path, type, size, modification time (UTC), permissions,
owner and group, as far as the server tells them (MLST, else the listing).
`,
  options: [helpOption],
  client: true,
  async run(context) {
    const remotes = context.args.positionals.map(parseRemote);
    if (remotes.length === 0) throw new UsageError('stat takes at least one URL');
    return withClient(context, sameServer(remotes), async (client) => {
      const entries: ListingEntry[] = [];
      for (const { path } of remotes) {
        const entry = await client.metadata(path, { signal: context.signal });
        if (!entry) continue;
        if (entries.length > 0) context.output.data('');
        for (const line of fields(entry)) context.output.data(line);
        entries.push(entry);
      }
      const ok = entries.length === remotes.length;
      context.output.json({ ok, entries });
      return ok;
    });
  },
};
