import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { UsageError } from './args.js';
import { helpOption, type Command } from './command.js';
import { parseRemote, sameServer } from './remote.js';
import { withClient } from './session.js';

export const cat: Command = {
  name: 'cat',
  summary: 'write files to stdout',
  help: `Usage: ftppy cat URL [URL…]

Writes the files' bytes to stdout, one after another.
`,
  options: [helpOption],
  client: true,
  async run(context) {
    if (context.args.options.json) throw new UsageError('cat writes the files themselves; --json does not apply');
    const remotes = context.args.positionals.map(parseRemote);
    if (remotes.length === 0) throw new UsageError('cat takes at least one URL');
    return withClient(context, sameServer(remotes), async (client) => {
      let ok = true;
      for (const { path } of remotes) {
        // downloadTo ends the stream it is given, and stdout must stay open for the next file
        const pipe = new PassThrough();
        pipe.pipe(context.output.streams.stdout, { end: false });
        const done = finished(pipe).catch(() => {});
        ok = (await client.downloadTo(path, pipe, { signal: context.signal })) && ok;
        await done;
      }
      return ok;
    });
  },
};
