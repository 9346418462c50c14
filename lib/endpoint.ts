export type Security = 'none' | 'explicit' | 'implicit';

/** Where to connect (or listen), parsed from `ftp://[user[:pass]@]host[:port][/path]`. */
export interface Endpoint {
  /** `ftp` or `ftps`. */
  scheme: 'ftp' | 'ftps';
  /** `none` for ftp://, `explicit` for ftps:// (AUTH TLS), `implicit` with SSL({ implicit: true }). */
  security: Security;
  /** Host name or IP literal, without IPv6 brackets. */
  host: string;
  port: number;
  /** The starting directory, or null. */
  path: string | null;
  user?: string;
  password?: string;
}

export function parseEndpoint(value: unknown, implicitTls = false): Endpoint {
  if (typeof value !== 'string' || value === '') throw new TypeError(`endpoint must be a URL such as 'ftp://localhost:2121', got ${String(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // the URL parser refuses ports above 65535 along with other junk; say which
    const port = /:(\d+)(?:\/|$)/.exec(value.replace(/^[a-z]+:\/\/[^@/]*@/i, ''))?.[1];
    if (port !== undefined && Number(port) > 65535) throw new RangeError(`endpoint port ${port} is outside 1-65535`);
    throw new TypeError(`endpoint is not a valid URL: ${JSON.stringify(value)}`);
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'ftp' && scheme !== 'ftps') {
    throw new TypeError(`endpoint scheme must be ftp:// or ftps://, got ${JSON.stringify(url.protocol)}`);
  }
  if (implicitTls && scheme !== 'ftps') throw new TypeError('SSL({ implicit: true }) needs an ftps:// endpoint');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new TypeError(`endpoint has no host: ${JSON.stringify(value)}`);
  const security: Security = scheme === 'ftp' ? 'none' : implicitTls ? 'implicit' : 'explicit';
  const port = url.port === '' ? (security === 'implicit' ? 990 : 21) : Number(url.port);
  // Port 0 asks a server for any free port; a client refuses it when it connects.
  if (port < 0 || port > 65535) throw new RangeError(`endpoint port ${port} is outside 0-65535`);
  const path = url.pathname === '' || url.pathname === '/' ? null : decodeURIComponent(url.pathname);
  const endpoint: Endpoint = { scheme, security, host, port, path };
  if (url.username !== '') endpoint.user = decodeURIComponent(url.username);
  if (url.password !== '') endpoint.password = decodeURIComponent(url.password);
  return endpoint;
}
