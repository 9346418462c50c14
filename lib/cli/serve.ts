import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Basic } from '../auth.js';
import { FtpPy } from '../ftppy.js';
import { SSL } from '../settings.js';
import type { ServeOptions } from '../serve.js';
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js';
import type { Command } from './command.js';

const help = `Usage: ftppy serve [options]

Serves a folder over FTP (and FTPS) with the web API beside it.

  --root DIR              folder to serve (default ./ftproot, created when missing)
  --host HOST             address to listen on (default localhost)
  --port N                FTP port (default 2121)
  --web N|off             web API port (default FTP port + 1), or off
  --user NAME:PASS        an account with every right; may be repeated
  --anonymous read|write|off
                          anonymous logins (default: write when no --user is given
                          and the server listens on localhost, read otherwise; off
                          with --user)
  --tls-cert FILE --tls-key FILE
                          serve FTPS (explicit, AUTH TLS)
  --implicit              implicit FTPS (TLS from the first byte) instead
  --no-tls-reuse          serve FTPS data connections that do not resume the
                          control connection's TLS session (Python's ftplib);
                          by default they get 522
  --pasv MIN-MAX          passive port range (default: any port the system picks)
  --pasv-address HOST     the IPv4 address (or a host name, resolved at start) that
                          PASV replies name: the address clients reach this node's
                          passive ports at, behind NAT or a load balancer (default:
                          the address the client connected to)
  --proxy-trusted LIST    comma-separated addresses or CIDR ranges (IPv4, IPv6) of
                          proxies that send a PROXY protocol header (HAProxy's
                          send-proxy / send-proxy-v2) on the FTP, passive and web
                          ports; their connections must start with one
  -h, --help              this help
`;

const specs: OptionSpec[] = [
  { name: 'root', kind: 'string' },
  { name: 'host', kind: 'string' },
  { name: 'port', kind: 'number' },
  { name: 'web', kind: 'string' },
  { name: 'user', kind: 'string', repeat: true },
  { name: 'anonymous', kind: 'string' },
  { name: 'tls-cert', kind: 'string' },
  { name: 'tls-key', kind: 'string' },
  { name: 'implicit', kind: 'flag' },
  { name: 'no-tls-reuse', kind: 'flag' },
  { name: 'pasv', kind: 'string' },
  { name: 'pasv-address', kind: 'string' },
  { name: 'proxy-trusted', kind: 'string' },
  { name: 'help', short: 'h', kind: 'flag' },
];

const loopback = new Set(['localhost', '127.0.0.1', '::1']);

/** The factory and server options that `ftppy serve`'s arguments stand for. */
export function serveConfig({ positionals, options: o }: ParsedArgs): { ftp: FtpPy; options: ServeOptions; root: string; anonymous: string } {
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${positionals.join(' ')}`);
  const host = (o.host as string | undefined) ?? 'localhost';
  const port = (o.port as number | undefined) ?? 2121;
  const tls = o['tls-cert'] !== undefined || o['tls-key'] !== undefined;
  if (tls && (o['tls-cert'] === undefined || o['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (o.implicit && !tls) throw new UsageError('--implicit needs --tls-cert and --tls-key');
  if (o['no-tls-reuse'] && !tls) throw new UsageError('--no-tls-reuse needs --tls-cert and --tls-key');
  const users = ((o.user as string[] | undefined) ?? []).map((spec) => {
    const colon = spec.indexOf(':');
    if (colon <= 0) throw new UsageError(`--user wants NAME:PASS, got ${JSON.stringify(spec)}`);
    return { name: spec.slice(0, colon), password: spec.slice(colon + 1) };
  });
  const anonymous = (o.anonymous as string | undefined) ?? (users.length > 0 ? 'off' : loopback.has(host) ? 'write' : 'read');
  if (!['read', 'write', 'off'].includes(anonymous)) throw new UsageError(`--anonymous wants read, write or off, got ${anonymous}`);
  const root = resolve((o.root as string | undefined) ?? 'ftproot');
  const url = `${tls ? 'ftps' : 'ftp'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const ftp = new FtpPy(url, {
    ...(users[0] ? { auth: new Basic(users[0].name, users[0].password) } : {}),
    ...(tls ? { ssl: new SSL({ cert: o['tls-cert'] as string, key: o['tls-key'] as string, implicit: o.implicit === true, reuse: o['no-tls-reuse'] !== true }) } : {}),
  });
  const options: ServeOptions = {
    root,
    users: users.slice(1),
    anonymous: anonymous === 'off' ? false : anonymous === 'read' ? true : { rights: { read: true, write: true, delete: true, mkdir: true, rename: true } },
  };
  const web = o.web as string | undefined;
  if (web !== undefined) {
    if (web === 'off') options.web = false;
    else if (/^\d+$/.test(web)) options.web = Number(web);
    else throw new UsageError(`--web wants a port or off, got ${web}`);
  }
  const pasv = o.pasv as string | undefined;
  if (pasv !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(pasv);
    if (!m) throw new UsageError(`--pasv wants MIN-MAX, got ${pasv}`);
    options.pasv = { min: Number(m[1]), max: Number(m[2]) };
  }
  const pasvAddress = o['pasv-address'] as string | undefined;
  if (pasvAddress !== undefined) options.pasv = { ...options.pasv, address: pasvAddress };
  const trusted = o['proxy-trusted'] as string | undefined;
  if (trusted !== undefined) options.proxyProtocol = { trusted: trusted.split(',').map((t) => t.trim()).filter((t) => t !== '') };
  return { ftp, options, root, anonymous };
}

export const serve: Command = {
  name: 'serve',
  summary: 'serve a folder over FTP/FTPS, with the web API beside it',
  help,
  options: specs,
  client: false,
  async run({ args, output, signal }) {
    const { ftp, options, root, anonymous } = serveConfig(args);
    await mkdir(root, { recursive: true });
    const server = await ftp.server(options);
    const { host, port, scheme } = ftp.endpoint;
    const shown = host.includes(':') ? `[${host}]` : host;
    const out = (line: string): void => output.data(line);
    out(`FtpPy serving ${root}`);
    out(`  FTP      ${scheme}://${shown}:${server.port ?? port}`);
    // the web API speaks HTTPS when the server has a certificate (lib/serve.ts)
    out(server.web ? `  web API  ${server.options.tls ? 'https' : 'http'}://${shown}:${server.web.port}/` : '  web API  off');
    if (ftp.auth instanceof Basic) out(`  login    ${ftp.auth.username} (password as given)${options.users?.length ? ` and ${options.users.length} more` : ''}`);
    if (anonymous !== 'off') out(`  login    anonymous, any password, may ${anonymous === 'write' ? 'read and write' : 'read'}`);
    out('Ctrl-C stops it.');
    await new Promise<void>((resolveStop) => {
      if (signal.aborted) resolveStop();
      signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
    await server.close();
    return true;
  },
};
