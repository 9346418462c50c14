import type { ProxyConfig } from '../protocol/proxy.js';

// The `proxy` option: a URL, or, when the option is not given, the environment as curl
// reads it: `ftp_proxy` (`ftps_proxy` for ftps://, the upper-case names too), else
// `ALL_PROXY`/`all_proxy`; `NO_PROXY`/`no_proxy` names hosts reached directly.

const KINDS: Record<string, ProxyConfig['kind']> = { 'socks5:': 'socks5', 'socks5h:': 'socks5h', 'http:': 'http' };
const DEFAULT_PORT = 1080; // curl's, for every kind

/** `socks5://user:pass@host:1080`, `socks5h://…` or `http://host:3128` as a ProxyConfig; anything else throws. */
export function parseProxy(text: string): ProxyConfig {
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`); // curl takes a bare host:port as HTTP
  } catch {
    throw new TypeError(`proxy must be a URL such as socks5://host:1080 or http://host:3128, got ${JSON.stringify(text)}`);
  }
  const kind = KINDS[url.protocol];
  if (!kind) throw new TypeError(`proxy: ${url.protocol.slice(0, -1)}:// is not supported (socks5://, socks5h:// or http://), got ${JSON.stringify(text)}`);
  if (url.hostname === '') throw new TypeError(`proxy has no host: ${JSON.stringify(text)}`);
  const proxy: ProxyConfig = { kind, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? DEFAULT_PORT : Number(url.port) };
  if (url.username !== '') {
    proxy.user = decodeURIComponent(url.username);
    proxy.password = decodeURIComponent(url.password);
  }
  return proxy;
}

const read = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name] ?? env[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

/** Whether NO_PROXY names `host`: `*`, the host itself, or a domain it is in (`.example.com` or `example.com`). */
export function bypassesProxy(host: string, env: NodeJS.ProcessEnv): boolean {
  const list = read(env, 'no_proxy');
  if (list === undefined) return false;
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return list.split(',').map((entry) => entry.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).some((entry) => {
    if (entry === '') return false;
    if (entry === '*') return true;
    const domain = entry.startsWith('.') ? entry.slice(1) : entry;
    return name === domain || name.endsWith(`.${domain}`);
  });
}

/** The proxy URL for `scheme://host` in `env`, as curl picks it; undefined: none. */
export function proxyUrlFromEnv(scheme: 'ftp' | 'ftps', host: string, env: NodeJS.ProcessEnv): string | undefined {
  const text = read(env, `${scheme}_proxy`) ?? read(env, 'all_proxy');
  return text === undefined || bypassesProxy(host, env) ? undefined : text;
}

/** The proxy for `scheme://host` from the process's environment; undefined: none. */
export function proxyFromEnv(scheme: 'ftp' | 'ftps', host: string, env: NodeJS.ProcessEnv = process.env): ProxyConfig | undefined {
  const text = proxyUrlFromEnv(scheme, host, env);
  return text === undefined ? undefined : parseProxy(text);
}
