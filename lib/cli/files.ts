import { posix } from 'node:path';
import type { Client } from '../client.js';
import { UsageError } from './args.js';
import { helpOption, type Command, type CommandContext } from './command.js';
import { isUrl, parseRemote, sameServer, type RemoteArg } from './remote.js';
import { clientFlags, withClient } from './session.js';

// The commands that change names on the server, one operation per path: rm, mkdir, mv, cp.

/** Runs `operation` on each URL in turn; a line per success, results keyed by path. */
async function eachPath(context: CommandContext, verb: string, operation: (client: Client, path: string) => Promise<boolean>): Promise<boolean> {
  const remotes = context.args.positionals.map(parseRemote);
  if (remotes.length === 0) throw new UsageError('wants at least one URL');
  return withClient(context, sameServer(remotes), async (client) => {
    const results: Record<string, boolean> = {};
    for (const { path } of remotes) {
      results[path] = await operation(client, path);
      if (results[path]) context.output.note(`${verb} ${path}`);
    }
    const ok = Object.values(results).every(Boolean);
    context.output.json({ ok, results });
    return ok;
  });
}

export const rm: Command = {
  name: 'rm',
  summary: 'remove files (-r: folders with everything in them)',
  help: `Usage: ftppy rm [-r] URL [URL…]

Removes files. With -r, a folder is removed with everything in it (links are removed,
never followed); without it, a folder is refused.

  -r, --recursive    remove folders and their contents
`,
  options: [{ name: 'recursive', short: 'r', kind: 'flag' }, helpOption],
  client: true,
  run: (context) =>
    eachPath(context, 'removed', async (client, path) => {
      if (context.args.options.recursive !== true) return client.remove(path, { signal: context.signal });
      const entry = await client.metadata(path, { signal: context.signal });
      if (!entry) return false;
      return entry.dir ? client.rmdir(path, { recursive: true, signal: context.signal }) : client.remove(path, { signal: context.signal });
    }),
};

export const mkdir: Command = {
  name: 'mkdir',
  summary: 'make folders (-p: with their parents)',
  help: `Usage: ftppy mkdir [-p] URL [URL…]

Makes folders.

  -p, --parents      make missing parents too, and accept a folder that exists
`,
  options: [{ name: 'parents', short: 'p', kind: 'flag' }, helpOption],
  client: true,
  run: (context) => eachPath(context, 'made', (client, path) => client.mkdir(path, { parents: context.args.options.parents === true, signal: context.signal })),
};

/**
 * The second argument of mv and cp: a URL on the same server, or a path, absolute or
 * relative to the source's folder (`mv ftp://h/pub/a.txt b.txt` renames in place). A
 * target ending in / is a folder that keeps the source's name.
 */
function targetPath(source: RemoteArg, arg: string): string {
  let path: string;
  let folder: boolean;
  if (isUrl(arg)) {
    const target = parseRemote(arg);
    sameServer([source, target]);
    ({ path, folder } = target);
  } else {
    path = arg.startsWith('/') ? arg : posix.join(posix.dirname(source.path), arg);
    folder = arg.endsWith('/');
  }
  return folder ? posix.join(path, posix.basename(source.path)) : path;
}

function twoPaths(context: CommandContext, name: string): { source: RemoteArg; target: string } {
  const { positionals } = context.args;
  if (positionals.length !== 2) throw new UsageError(`${name} takes a URL and a target`);
  const source = parseRemote(positionals[0]!);
  if (source.folder && name === 'cp') throw new UsageError('cp copies files, not folders');
  return { source, target: targetPath(source, positionals[1]!) };
}

async function moveOrCopy(context: CommandContext, name: 'mv' | 'cp'): Promise<boolean> {
  const { source, target } = twoPaths(context, name);
  // a copy holds two connections at once: a download and an upload
  const connections = name === 'cp' ? Math.max(2, clientFlags(context.args.options).parallel) : undefined;
  return withClient(context, source, async (client) => {
    const ok = name === 'mv' ? await client.move(source.path, target, { signal: context.signal }) : await client.copy(source.path, target, { signal: context.signal });
    if (ok) context.output.note(`${name === 'mv' ? 'moved' : 'copied'} ${source.path} -> ${target}`);
    context.output.json({ ok, results: { [source.path]: ok } });
    return ok;
  }, connections);
}

export const mv: Command = {
  name: 'mv',
  summary: 'move or rename a file or folder on the server',
  help: `Usage: ftppy mv URL TARGET

Moves or renames on the server, as mv does: into TARGET when it is a folder that
exists, else to TARGET, its missing parent folders made. TARGET is a URL on the same
server or a path: absolute, or relative to the source's folder (ftppy mv
ftp://h/pub/a.txt b.txt renames it in /pub). A TARGET ending in / is a folder that keeps
the name.
`,
  options: [helpOption],
  client: true,
  run: (context) => moveOrCopy(context, 'mv'),
};

export const cp: Command = {
  name: 'cp',
  summary: 'copy a file on the server',
  help: `Usage: ftppy cp URL TARGET

Copies a file on the server: downloaded on one connection and uploaded on another at
once, with nothing stored here. TARGET as for mv.
`,
  options: [helpOption],
  client: true,
  run: (context) => moveOrCopy(context, 'cp'),
};
