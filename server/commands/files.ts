import { formatTimeVal, parseTimeVal } from '../../protocol/listing/dates.js';
import { FileSystemError } from '../fs/errors.js';
import { quotePath } from '../reply-format.js';
import type { CommandContext } from './context.js';
import type { CommandGroup } from './types.js';

// Files and folders by name (RFC 959 §4.1.3, RFC 3659 SIZE/MDTM, draft-somers MFMT,
// SITE CHMOD as vsftpd and pure-ftpd have it). Rights are checked by the user's
// filesystem; a failure throws a FileSystemError, which the session turns into 550/553.

async function plainFile(session: CommandContext, arg: string): Promise<{ path: string; size: number; modified: Date }> {
  const path = session.resolve(arg);
  const info = await session.fs.stat(path);
  if (info.kind !== 'file') throw new FileSystemError('EISDIR', path, `${path}: not a plain file`);
  return { path, size: info.size, modified: info.modified };
}

/** SITE QUOTA: what the home holds against the account's limits (pure-ftpd's and SFTPGo's idea, our own wording). */
async function siteQuota(session: CommandContext): Promise<void> {
  const status = await session.fs.quota();
  if (!status) {
    session.reply(200, 'No quota: uploads are limited by the storage only');
    return;
  }
  const { usage, limits } = status;
  const of = (used: number, limit: number | null): string => (limit === null ? `${used} used, no limit` : `${used} used of ${limit}`);
  session.reply(200, [
    `Quota of ${session.account?.name ?? ''}:`,
    ` bytes: ${of(usage.bytes, limits.bytes)}`,
    ` files: ${of(usage.files, limits.files)}`,
    usage.complete ? 'End' : 'End (the home was too large to count whole: these are lower bounds)',
  ]);
}

function site(session: CommandContext, arg: string): Promise<void> | void {
  const sub = arg.trim().split(/\s+/)[0] ?? '';
  switch (sub.toUpperCase()) {
    case 'HELP':
      session.reply(214, ['SITE commands recognized:', ' CHMOD HELP QUOTA', 'Help OK']);
      return;
    case 'QUOTA':
      return siteQuota(session);
    case 'CHMOD': {
      // The path is everything after the mode, spaces included.
      const m = /^\s*chmod\s+([0-7]{1,4}) (.+)$/i.exec(arg);
      if (!m) {
        session.reply(501, 'Usage: SITE CHMOD <octal mode> <path>');
        return;
      }
      const path = session.resolve(m[2]!);
      return session.fs.chmod(path, parseInt(m[1]!, 8)).then(() => session.reply(200, `SITE CHMOD ${m[1]} ${path}: ok`));
    }
    default:
      session.reply(502, `SITE ${sub.slice(0, 16)}: unknown SITE command`);
  }
}

export const files: CommandGroup = {
  MKD: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const path = session.resolve(arg);
      await session.fs.mkdir(path);
      session.reply(257, `${quotePath(path)} created`);
    },
  },
  RMD: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const path = session.resolve(arg);
      if (path === session.cwd || session.cwd.startsWith(`${path}/`)) {
        session.reply(550, `${path}: the working directory cannot be removed`);
        return;
      }
      await session.fs.rmdir(path);
      session.reply(250, `${path} removed`);
    },
  },
  DELE: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const path = session.resolve(arg);
      await session.fs.remove(path);
      session.reply(250, `${path} deleted`);
    },
  },
  RNFR: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const path = session.resolve(arg);
      if (!session.fs.can('rename')) throw new FileSystemError('EACCES', path, `Permission denied (no rename right): ${path}`);
      await session.fs.stat(path);
      session.setRenameFrom(path);
      session.reply(350, 'Ready for RNTO');
    },
  },
  RNTO: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const from = session.takeRenameFrom();
      if (from === null) {
        session.reply(503, 'Send RNFR first');
        return;
      }
      const to = session.resolve(arg);
      await session.fs.rename(from, to);
      session.reply(250, `Renamed ${from} to ${to}`);
    },
  },
  SIZE: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      session.reply(213, String((await plainFile(session, arg)).size));
    },
  },
  MDTM: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const { modified } = await plainFile(session, arg);
      // Whole seconds: several clients read exactly 14 digits.
      session.reply(213, formatTimeVal(new Date(Math.floor(modified.getTime() / 1000) * 1000)));
    },
  },
  MFMT: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const space = arg.indexOf(' ');
      const time = space === -1 ? NaN : parseTimeVal(arg, 0, space);
      if (Number.isNaN(time) || space === arg.length - 1) {
        session.reply(501, 'Usage: MFMT YYYYMMDDHHMMSS <path>');
        return;
      }
      const path = session.resolve(arg.slice(space + 1));
      try {
        await session.fs.setModified(path, new Date(time));
      } catch (error) {
        if (!(error instanceof FileSystemError && error.code === 'EINVAL')) throw error;
        session.reply(501, `${arg.slice(0, space)}: a time this filesystem cannot store`);
        return;
      }
      // The time the file got, which is not always the one asked for: a filesystem
      // clamps what it cannot hold (ext4: 1901 to 2446) and rounds to its precision.
      const { modified } = await session.fs.stat(path);
      session.reply(213, `Modify=${formatTimeVal(modified)}; ${path}`);
    },
  },
  SITE: { access: 'session', arg: 'required', run: site },
};
