import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FtpPy } from '../ftppy.js';
import { SSL } from '../settings.js';
import type { ServeOptions } from '../serve.js';
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js';
import type { Command } from './command.js';
import { readServeFile, type ServeFile } from './serve-config.js';

const help = `Usage: ftppy serve [options]

Serves a folder over FTP (and FTPS) with the web API beside it.

  --config FILE           a JSON config file with every server option (users
                          with homes and rights, TLS files, passive range,
                          limits, timeouts, web, log: see the README); the
                          flags below win over its keys
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
  --log json|off          json: one JSON line per event (connect, login,
                          login-failed, transfer, disconnect, error) on stdout,
                          the banner on stderr (default off)
  --grace SECONDS         on SIGTERM or SIGINT: /healthz answers 503, new
                          connections are refused, idle sessions get 421, and
                          running transfers get this long to finish before
                          they are cut (default 30); then exit 0
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
  { name: 'grace', kind: 'number' },
  { name: 'log', kind: 'string' },
  { name: 'config', kind: 'string' },
  { name: 'pasv-address', kind: 'string' },
  { name: 'proxy-trusted', kind: 'string' },
  { name: 'help', short: 'h', kind: 'flag' },
];

// A rolling restart waits this long for transfers by default: longer than the library's
// 10 s, since a process manager's stop timeout (systemd: 90 s) is the real bound.
const DEFAULT_GRACE = 30;

const loopback = new Set(['localhost', '127.0.0.1', '::1']);

const ALL_RIGHTS = { read: true, write: true, delete: true, mkdir: true, rename: true };

export interface ServeSetup {
  ftp: FtpPy;
  options: ServeOptions;
  root: string;
  /** The banner's words for anonymous access: read, write or off. */
  anonymous: string;
  grace: number;
  log: 'json' | 'off';
}

/** The flags as given, checked: undefined where a flag is absent, so that the file's value stands. */
function flagValues(o: ParsedArgs['options']) {
  const users = o.user === undefined ? undefined : (o.user as string[]).map((spec) => {
    const colon = spec.indexOf(':');
    if (colon <= 0) throw new UsageError(`--user wants NAME:PASS, got ${JSON.stringify(spec)}`);
    return { name: spec.slice(0, colon), password: spec.slice(colon + 1) };
  });
  const anonymous = o.anonymous as string | undefined;
  if (anonymous !== undefined && !['read', 'write', 'off'].includes(anonymous)) throw new UsageError(`--anonymous wants read, write or off, got ${anonymous}`);
  const web = o.web as string | undefined;
  if (web !== undefined && web !== 'off' && !/^\d+$/.test(web)) throw new UsageError(`--web wants a port or off, got ${web}`);
  const pasv = o.pasv as string | undefined;
  const range = pasv === undefined ? undefined : /^(\d+)-(\d+)$/.exec(pasv);
  if (range === null) throw new UsageError(`--pasv wants MIN-MAX, got ${pasv}`);
  const grace = o.grace as number | undefined;
  if (grace !== undefined && (!(grace >= 0) || !Number.isFinite(grace))) throw new UsageError(`--grace wants seconds (0 or more), got ${grace}`);
  const log = o.log as string | undefined;
  if (log !== undefined && log !== 'json' && log !== 'off') throw new UsageError(`--log wants json or off, got ${log}`);
  return {
    host: o.host as string | undefined,
    port: o.port as number | undefined,
    root: o.root as string | undefined,
    users,
    anonymous: anonymous as 'read' | 'write' | 'off' | undefined,
    web: web === undefined ? undefined : web === 'off' ? (false as const) : Number(web),
    pasv: range ? { min: Number(range[1]), max: Number(range[2]) } : undefined,
    cert: o['tls-cert'] as string | undefined,
    key: o['tls-key'] as string | undefined,
    grace,
    log: log as 'json' | 'off' | undefined,
  };
}

/**
 * The factory and server options that `ftppy serve`'s arguments stand for, over those of
 * its config file (`--config`, lib/cli/serve-config.ts): a flag given wins over the
 * file's key, and a list flag (`--user`) replaces the file's list.
 */
export function serveConfig({ positionals, options: o }: ParsedArgs, file: ServeFile = {}): ServeSetup {
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${positionals.join(' ')}`);
  const flags = flagValues(o);
  const host = flags.host ?? file.host ?? 'localhost';
  const port = flags.port ?? file.port ?? 2121;
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const cert = flags.cert ?? file.tls?.cert;
  const key = flags.key ?? file.tls?.key;
  const tls = cert !== undefined || key !== undefined;
  if (tls && (cert === undefined || key === undefined)) throw new UsageError('tls needs both cert and key');
  if (o.implicit && !tls) throw new UsageError('--implicit needs --tls-cert and --tls-key');
  if (o['no-tls-reuse'] && !tls) throw new UsageError('--no-tls-reuse needs --tls-cert and --tls-key');
  const users = flags.users ?? file.users ?? [];
  const root = resolve(flags.root ?? file.root ?? 'ftproot');
  const url = `${tls ? 'ftps' : 'ftp'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const ssl = tls
    ? new SSL({
        cert: cert!,
        key: key!,
        implicit: o.implicit === true || file.tls?.implicit === true,
        reuse: o['no-tls-reuse'] !== true && (file.tls?.reuse ?? true),
        ...(file.tls?.ca !== undefined ? { bundle: file.tls.ca } : {}),
        ...(file.tls?.ciphers !== undefined ? { ciphers: file.tls.ciphers } : {}),
      })
    : undefined;
  const ftp = new FtpPy(url, ssl ? { ssl } : {});
  const options: ServeOptions = { root, users: users.map((u) => ({ ...u })) };
  let anonymous: string;
  if (flags.anonymous !== undefined || file.anonymous === undefined) {
    anonymous = flags.anonymous ?? (users.length > 0 ? 'off' : loopback.has(host) ? 'write' : 'read');
    options.anonymous = anonymous === 'off' ? false : anonymous === 'read' ? true : { rights: ALL_RIGHTS };
  } else {
    options.anonymous = file.anonymous;
    anonymous = file.anonymous === false ? 'off' : file.anonymous !== true && file.anonymous.rights?.write ? 'write' : 'read';
  }
  if (tls) options.requireTls = { login: file.tls?.requireLogin ?? true, data: file.tls?.requireData ?? true };
  const web = flags.web ?? file.web;
  if (typeof file.web === 'object' && flags.web !== undefined) options.web = flags.web === false ? false : { ...file.web, port: flags.web };
  else if (web !== undefined) options.web = web;
  if (flags.pasv || file.pasv) options.pasv = { ...file.pasv, ...flags.pasv };
  if (file.limits) options.limits = file.limits;
  if (file.timeouts) options.timeouts = file.timeouts;
  if (file.greeting !== undefined) options.greeting = file.greeting;
  if (file.authenticate !== undefined) options.authenticate = file.authenticate;
  if (file.ban !== undefined) options.ban = file.ban;
  if (file.login) options.login = file.login;
  if (file.rate) options.rate = file.rate;
  if (file.proxyProtocol) options.proxyProtocol = file.proxyProtocol;
  const pasvAddress = o['pasv-address'] as string | undefined;
  if (pasvAddress !== undefined) options.pasv = { ...options.pasv, address: pasvAddress };
  const trusted = o['proxy-trusted'] as string | undefined;
  if (trusted !== undefined) options.proxyProtocol = { trusted: trusted.split(',').map((t) => t.trim()).filter((t) => t !== '') };
  const grace = flags.grace ?? file.timeouts?.grace ?? DEFAULT_GRACE;
  return { ftp, options, root, anonymous, grace, log: flags.log ?? file.log ?? 'off' };
}

export const serve: Command = {
  name: 'serve',
  summary: 'serve a folder over FTP/FTPS, with the web API beside it',
  help,
  options: specs,
  client: false,
  async run({ args, output, signal }) {
    const configFile = args.options.config as string | undefined;
    const { ftp, options, root, anonymous, grace, log } = serveConfig(args, configFile === undefined ? {} : await readServeFile(configFile));
    await mkdir(root, { recursive: true });
    const { stdout, stderr } = output.streams;
    if (log === 'json') options.log = (record) => stdout.write(`${JSON.stringify(record)}\n`);
    const server = await ftp.server(options);
    const { host, port, scheme } = ftp.endpoint;
    const shown = host.includes(':') ? `[${host}]` : host;
    // With --log json, stdout holds only the log's lines.
    const out = (line: string): void => (log === 'json' ? void stderr.write(`${line}\n`) : output.data(line));
    out(`FtpPy serving ${root}`);
    out(`  FTP      ${scheme}://${shown}:${server.port ?? port}`);
    // the web API speaks HTTPS when the server has a certificate (lib/serve.ts)
    out(server.web ? `  web API  ${server.options.tls ? 'https' : 'http'}://${shown}:${server.web.port}/` : '  web API  off');
    const [first, ...more] = options.users ?? [];
    if (first) out(`  login    ${first.name} (password as given)${more.length ? ` and ${more.length} more` : ''}`);
    if (anonymous !== 'off') out(`  login    anonymous, any password, may ${anonymous === 'write' ? 'read and write' : 'read'}`);
    out('Ctrl-C stops it.');
    await new Promise<void>((resolveStop) => {
      if (signal.aborted) resolveStop();
      signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
    out(`Stopping: new connections are refused, running transfers get up to ${grace} s`);
    await server.close({ grace });
    return true;
  },
};
