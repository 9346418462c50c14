import { FileSystemError } from '../fs/errors.js';
import { quotePath } from '../reply-format.js';
import type { CommandContext } from './context.js';
import type { CommandGroup } from './types.js';

// The working directory (RFC 959 §4.1.1). It lives in the session as a virtual path;
// changing it checks that the target is a directory inside the user's root.

async function changeTo(session: CommandContext, path: string): Promise<void> {
  const info = await session.fs.stat(path);
  if (info.kind !== 'dir') throw new FileSystemError('ENOTDIR', path);
  session.changeDirectory(path);
  session.reply(250, `Directory changed to ${path}`);
}

export const navigation: CommandGroup = {
  PWD: {
    access: 'session',
    arg: 'none',
    run: (session) => session.reply(257, `${quotePath(session.cwd)} is the current directory`),
  },
  CWD: {
    access: 'session',
    arg: 'required',
    run: (session, arg) => changeTo(session, session.resolve(arg)),
  },
  CDUP: {
    access: 'session',
    arg: 'none',
    run: (session) => changeTo(session, session.resolve('..')),
  },
};
