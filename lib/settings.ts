import { knownKeys, optionsObject, text, trueOrFalse } from '../common/check.js';

export interface SSLOptions {
  /** Check the server's certificate and name. Default true. */
  verify?: boolean;
  /** Certificate: a file path or PEM text. A client presents it; a server serves with it. */
  cert?: string | Buffer;
  /** The certificate's private key: a file path or PEM text. */
  key?: string | Buffer;
  /** CA certificates to trust instead of Node's bundle: a file path or PEM text. */
  bundle?: string | Buffer;
  /** OpenSSL cipher list. */
  ciphers?: string;
  /** Implicit FTPS: TLS from the first byte (port 990 by default). Default false: explicit, AUTH TLS. */
  implicit?: boolean;
  /**
   * Data connections resume the control connection's TLS session. Default true. A server
   * then refuses data connections that do not (522); false serves clients that cannot.
   */
  reuse?: boolean;
}

export class SSL {
  readonly verify: boolean;
  readonly cert: string | Buffer | undefined;
  readonly key: string | Buffer | undefined;
  readonly bundle: string | Buffer | undefined;
  readonly ciphers: string | undefined;
  readonly implicit: boolean;
  readonly reuse: boolean;

  constructor(options: SSLOptions = {}) {
    const o = optionsObject('SSL', options);
    knownKeys('SSL', o, ['verify', 'cert', 'key', 'bundle', 'ciphers', 'implicit', 'reuse']);
    this.verify = flag('SSL.verify', o.verify, true);
    this.implicit = flag('SSL.implicit', o.implicit, false);
    this.reuse = flag('SSL.reuse', o.reuse, true);
    this.cert = pem('SSL.cert', o.cert);
    this.key = pem('SSL.key', o.key);
    this.bundle = pem('SSL.bundle', o.bundle);
    this.ciphers = o.ciphers === undefined ? undefined : text('SSL.ciphers', o.ciphers, { allowEmpty: false });
  }
}

const flag = (field: string, value: unknown, fallback: boolean): boolean => (value === undefined ? fallback : trueOrFalse(field, value));

function pem(field: string, value: unknown): string | Buffer | undefined {
  if (value === undefined || Buffer.isBuffer(value)) return value;
  if (typeof value !== 'string' || value === '') throw new TypeError(`${field} must be a file path, PEM text or a Buffer`);
  return value;
}
