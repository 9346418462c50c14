import { ConnectionError, FtpPyError } from '../common/errors.js';

// Codes that say the certificate or the handshake parameters are wrong: trying again will
// not help, unlike a reset in the middle of a handshake.
const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|HOSTNAME|ERR_SSL|ERR_TLS|WRONG_VERSION|NO_PROTOCOLS|HANDSHAKE_FAILURE/;

/**
 * A socket's error as an FtpPy error: `FTPPY_ERR_TLS` when TLS refused the peer (it will
 * again), `FTPPY_ERR_CONNECTION` for the network (a retry may get through).
 */
export function socketFailure(error: Error & { code?: string }, what: string): FtpPyError {
  if (FtpPyError.is(error)) return error;
  const message = `${what}: ${error.message}`;
  if (tlsCodes.test(error.code ?? '')) return new FtpPyError('FTPPY_ERR_TLS', message, { cause: error });
  return new ConnectionError(message, { cause: error });
}
