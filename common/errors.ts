// One error family for the whole library. `code` is a stable string for programs to
// switch on; `reply` keeps the server's answer when there was one. The brand lets
// `FtpPyError.is()` recognise errors from another copy of the library (vendored sources,
// two installed versions), where `instanceof` would fail.

/**
 * The server's answer an error carries: the shape of protocol/reply.ts's `Reply`, declared
 * here so that errors, which every layer throws, depend on no layer (a `Reply` is one).
 */
export interface ErrorReply {
  /** The three-digit reply code, 100-599. */
  code: number;
  /** The text of the reply, its lines joined by '\n'. */
  message: string;
  lines: string[];
}

/**
 * Every code FtpPy puts on an error it throws, and on the warning of an operation that
 * failed. One scheme: `FTPPY_ERR_*`. The README's "Codes" table says where each appears.
 */
export const ERROR_CODES = [
  'FTPPY_ERR_PROTOCOL', // the peer sent bytes that are not FTP
  'FTPPY_ERR_TOO_LARGE', // a line, reply or listing passed its bound
  'FTPPY_ERR_INVALID_ARGUMENT', // a value FtpPy cannot act on: CR/LF/NUL, a bad port, a folder where a file is needed
  'FTPPY_ERR_REPLY', // the server answered with a negative reply
  'FTPPY_ERR_TIMEOUT',
  'FTPPY_ERR_CONNECTION', // cannot connect, log in, or the connection was lost
  'FTPPY_ERR_TLS',
  'FTPPY_ERR_CLOSED', // used after close()
  'FTPPY_ERR_ABORTED', // an AbortSignal fired
  'FTPPY_ERR_UNSUPPORTED', // the server lacks what the operation needs (REST STREAM, MLST or SIZE)
  'FTPPY_ERR_MISSING', // no such file or folder, on the server or locally
  'FTPPY_ERR_LOCAL', // a local file, folder or stream failed
  'FTPPY_ERR_UNSAFE_NAME', // a name from the server that would lead out of the target: skipped
  'FTPPY_ERR_LISTING_LINE', // a listing line in no format the client reads: skipped, its folder reported incomplete
  'FTPPY_ERR_TREE_CONFLICT', // a tree operation left a path alone
  'FTPPY_ERR_MIRROR_REFUSED', // mirror refused to empty the server for an empty or missing local folder
  'FTPPY_ERR_HOOK', // a hook or progress callback threw: the operation went on
  'FTPPY_ERR_WEB', // the web API failed a request
  'FTPPY_ERR_CHECKSUM', // a checked transfer (checksum: true): the server's digest differs from the local file's
  'FTPPY_ERR_FAILED', // anything else: an error that is not an FtpPyError (a user's stream, say)
] as const;

export type FtpPyErrorCode = (typeof ERROR_CODES)[number];

/** Codes of warnings that report no failure: `FTPPY_WARN_*`. */
export const NOTICE_CODES = [
  'FTPPY_WARN_NO_MFMT', // the server cannot set modification times: uploads keep their upload time
  'FTPPY_WARN_NO_HASH', // checksum: true, and the server has no hash command: transfers are checked by size only
  'FTPPY_WARN_CONNECTION_CAP', // the server refused a connection (421) while others were open: the client keeps to fewer
  'FTPPY_WARN_NO_MANIFEST', // a backup restored has no manifest: modes and folder times are not restored
] as const;

/** The code of every `FtpPyWarning`: the failed operation's error code, or a notice's. */
export type FtpPyWarningCode = FtpPyErrorCode | (typeof NOTICE_CODES)[number];

const brand = Symbol.for('ftppy.error');

export class FtpPyError extends Error {
  readonly code: FtpPyErrorCode;
  /** The server's reply that caused the error, when there was one. */
  readonly reply: ErrorReply | undefined;

  constructor(code: FtpPyErrorCode, message: string, options?: { cause?: unknown; reply?: ErrorReply }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reply = options?.reply;
  }

  get [brand](): true {
    return true;
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** The reply code (e.g. 550) when the error came from a reply. */
  get status(): number | undefined {
    return this.reply?.code;
  }

  static is(value: unknown): value is FtpPyError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export class ProtocolError extends FtpPyError {
  constructor(message: string, code: 'FTPPY_ERR_PROTOCOL' | 'FTPPY_ERR_TOO_LARGE' = 'FTPPY_ERR_PROTOCOL') {
    super(code, message);
  }
}

export class ReplyError extends FtpPyError {
  constructor(command: string, reply: ErrorReply) {
    super('FTPPY_ERR_REPLY', `${command}: ${reply.code} ${reply.message}`, { reply });
  }
}

export class TimeoutError extends FtpPyError {
  constructor(message: string) {
    super('FTPPY_ERR_TIMEOUT', message);
  }
}

/** Thrown by `ftp.client()` when it cannot connect or log in (after retries). */
export class ConnectionError extends FtpPyError {
  constructor(message: string, options?: { cause?: unknown; reply?: ErrorReply }) {
    super('FTPPY_ERR_CONNECTION', message, options);
  }
}

export class InvalidArgumentError extends FtpPyError {
  constructor(message: string) {
    super('FTPPY_ERR_INVALID_ARGUMENT', message);
  }
}
