/**
 * A data connection that could not be set up, with the reply the transfer gets:
 * 425 (no connection, a foreign peer, a timeout) or 522 (TLS without session reuse).
 */
export class DataConnectionError extends Error {
  readonly reply: number;

  constructor(reply: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reply = reply;
  }

  override get name(): string {
    return 'DataConnectionError';
  }
}

/** A data connection on which no byte moved for the stall timeout: the transfer gets 426. */
export class DataStallError extends Error {
  override get name(): string {
    return 'DataStallError';
  }
}
