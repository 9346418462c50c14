import type { Command } from '../protocol/command.js';
import type { CommandContext } from './commands/context.js';
import { findCommand } from './commands/index.js';
import { DataConnectionError } from './data/errors.js';
import { describeCode, FileSystemError, type FileSystemErrorCode } from './fs/errors.js';
import { admit } from './session-state.js';

// One command line, from its verb to its last reply: which handler runs it, whether it
// may run now (session-state.ts), whether its argument fits, and how a failure it
// throws is answered.

const FS_REPLY_CODES: Partial<Record<FileSystemErrorCode, number>> = { EINVAL: 553, ENOSPC: 452, ERANGE: 554, EDQUOT: 552 };

/** A filesystem failure answered the way RFC 959 does: 550 mostly, 553 for names, 452 when full, 554 for a bad REST (RFC 3659). */
function fileSystemReply(error: FileSystemError): [number, string] {
  const code = FS_REPLY_CODES[error.code] ?? 550;
  // These messages say more than the code's name; the others are just the name.
  const text = error.code === 'EACCES' || error.code === 'EINVAL' || error.code === 'ERANGE' || error.code === 'EDQUOT' ? error.message : `${error.path}: ${describeCode(error.code)}`;
  return [code, text];
}

/**
 * Runs `command` for `session`. A failure nobody expects is told to the server's owner
 * and answered 451, unless the session is `closing` (its connection went mid-command).
 */
export async function dispatch(session: CommandContext, { verb, arg }: Command, closing: () => boolean): Promise<void> {
  const handler = findCommand(verb);
  if (!handler) {
    session.reply(502, `${verb.slice(0, 16)}: command not implemented`);
    return;
  }
  const { tls } = session.options;
  const refusal = admit(verb, handler.access, {
    state: session.state,
    secure: session.secure,
    tlsRequired: tls?.requireLogin === true && !tls.implicit,
  });
  if (refusal) {
    session.reply(refusal.code, refusal.text);
    return;
  }
  if (handler.arg === 'required' && arg.trim() === '') {
    session.reply(501, `${verb} needs an argument`);
    return;
  }
  if (handler.arg === 'none' && arg.trim() !== '') {
    session.reply(501, `${verb} takes no argument`);
    return;
  }
  try {
    await handler.run(session, arg);
  } catch (error) {
    if (error instanceof FileSystemError) {
      session.reply(...fileSystemReply(error));
    } else if (error instanceof DataConnectionError) {
      session.reply(error.reply, error.message);
    } else if (!closing()) {
      session.reportError(error);
      session.reply(451, 'Local error in processing');
    }
  }
}
