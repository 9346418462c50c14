import { InvalidArgumentError } from '../../common/errors.js';
import type { ClientCore } from './core.js';
import { renameOn } from './move.js';
import type { OperationOptions } from './options.js';

export function remove(core: ClientCore, path: string, options: OperationOptions): Promise<boolean> {
  const target = core.resolve(path);
  return core.run({ name: 'remove', path: target, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      await connection.command('DELE', target);
      return true;
    }),
  );
}

/** `rename`: the bare RNFR then RNTO (RFC 959 §4.1.3), across directories too; `move` (move.ts) is mv. */
export function rename(core: ClientCore, from: string, to: string, options: OperationOptions): Promise<boolean> {
  const source = core.resolve(from);
  const target = core.resolve(to);
  return core.run({ name: 'rename', path: `${source} -> ${target}`, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      await renameOn(connection, source, target);
      return true;
    }),
  );
}

/** Octal permission text, as `chmod` and listings show it: '755', '0644'; a number is read as its octal digits (0o755). */
export function modeText(mode: string | number): string {
  const text = typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 && mode <= 0o7777 ? mode.toString(8) : mode;
  if (typeof text !== 'string' || !/^[0-7]{3,4}$/.test(text)) {
    throw new InvalidArgumentError(`chmod mode must be octal text such as '755' or a number such as 0o755, got ${JSON.stringify(mode)}`);
  }
  return text;
}

/** `SITE CHMOD` (not in any RFC, but what vsftpd, proftpd, pure-ftpd and pyftpdlib answer). */
export function chmod(core: ClientCore, path: string, mode: string | number, options: OperationOptions): Promise<boolean> {
  const target = core.resolve(path);
  const text = modeText(mode);
  return core.run({ name: 'chmod', path: target, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      await connection.command('SITE', `CHMOD ${text} ${target}`);
      return true;
    }),
  );
}
