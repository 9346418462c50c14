import { FtpPyError, type FtpPyWarningCode } from './errors.js';

// The seed's error style: an operation that fails resolves to false or null and says why
// in a Node warning, so a batch keeps going past one bad file.

export const WARNING_TYPE = 'FtpPyWarning';

/** Emits an `FtpPyWarning` with one of the codes of common/errors.ts. */
export function warn(message: string, code: FtpPyWarningCode): void {
  process.emitWarning(message, { type: WARNING_TYPE, code });
}

/** Warns that `operation` on `path` failed, with the server's reply or the cause's message. */
export function warnFailure(operation: string, path: string, error: unknown): void {
  warn(`${operation} ${path} failed: ${describe(error)}`, FtpPyError.is(error) ? error.code : 'FTPPY_ERR_FAILED');
}

export function describe(error: unknown): string {
  if (FtpPyError.is(error) && error.reply) return `${error.reply.code} ${error.reply.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
