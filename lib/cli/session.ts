import { Basic } from '../auth.js';
import type { Client } from '../client.js';
import { Limits, Retry, Timeout } from '../config.js';
import { checkRate, parseRate } from '../../common/throttle.js';
import { FtpPy, type FtpPyOptions } from '../ftppy.js';
import { SSL } from '../settings.js';
import { UsageError, type ParsedArgs } from './args.js';
import type { CommandContext } from './command.js';
import { readNetrc } from './netrc.js';
import { proxyUrlFromEnv } from '../proxy-settings.js';
import { credentialsFor, type RemoteArg } from './remote.js';
import { NAME_ENCODINGS, type NameEncoding } from '../../protocol/text.js';

/** The client options of the command line, checked. */
export interface ClientFlags {
  parallel: number;
  retries: number;
  timeout: number | undefined;
  passive: boolean;
  insecure: boolean;
  ca: string | undefined;
  implicit: boolean;
  /** --limit-rate, bytes per second. */
  rate: number | null;
  encoding: NameEncoding;
  /** undefined: the environment's (as curl reads it); '': none. */
  proxy: string | undefined;
}

type ParsedOptions = ParsedArgs['options'];

function whole(options: ParsedOptions, name: string, min: number, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new UsageError(`--${name} wants a whole number ≥ ${min}, got ${String(value)}`);
  return value;
}

function limitRate(value: unknown): number | null {
  if (value === undefined) return null;
  try {
    return checkRate('--limit-rate', parseRate(String(value)));
  } catch (error) {
    throw new UsageError(`--limit-rate: ${(error as Error).message}`);
  }
}

export function clientFlags(options: ParsedOptions): ClientFlags {
  if (options.passive && options.active) throw new UsageError('--passive and --active exclude each other');
  const encoding = options.encoding ?? 'utf8';
  if (!NAME_ENCODINGS.includes(encoding as NameEncoding)) throw new UsageError(`--encoding wants ${NAME_ENCODINGS.join(' or ')}, got ${String(encoding)}`);
  const timeout = options.timeout;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) throw new UsageError(`--timeout wants seconds > 0, got ${String(timeout)}`);
  return {
    parallel: whole(options, 'parallel', 1, 10),
    retries: whole(options, 'retries', 0, 3),
    timeout: timeout as number | undefined,
    passive: options.active !== true,
    insecure: options.insecure === true,
    ca: options.ca as string | undefined,
    implicit: options.implicit === true,
    rate: limitRate(options['limit-rate']),
    encoding: encoding as NameEncoding,
    proxy: options.proxy as string | undefined,
  };
}

/**
 * The FtpPy factory for a URL of the command line and its flags. `connections` lets a
 * command ask for more than --parallel (a server-side copy holds two at once).
 */
export async function factoryFor(remote: RemoteArg, flags: ClientFlags, env: NodeJS.ProcessEnv, connections = flags.parallel): Promise<FtpPy> {
  const login = credentialsFor(remote, env, await readNetrc(env));
  const options: FtpPyOptions = {
    limits: new Limits({ connections, rate: flags.rate }),
    retry: new Retry({ total: flags.retries }),
    passive: flags.passive,
    encoding: flags.encoding,
    // the command's environment, not necessarily the process's
    proxy: (flags.proxy ?? proxyUrlFromEnv(remote.scheme, new URL(remote.server).hostname, env)) || false,
    ...(flags.timeout === undefined ? {} : { timeout: new Timeout({ connect: flags.timeout, read: flags.timeout, write: flags.timeout }) }),
    ...(login ? { auth: new Basic(login.user, login.password) } : {}),
  };
  if (flags.implicit && remote.scheme !== 'ftps') throw new UsageError('--implicit needs an ftps:// URL');
  if (flags.insecure || flags.ca !== undefined || flags.implicit) {
    options.ssl = new SSL({ verify: !flags.insecure, implicit: flags.implicit, ...(flags.ca === undefined ? {} : { bundle: flags.ca }) });
  }
  try {
    return new FtpPy(remote.server, options);
  } catch (error) {
    // a port out of range and the like: the URL's fault, so a usage error
    throw new UsageError((error as Error).message);
  }
}

/** Runs `fn` with a client for `remote`, closed when `fn` settles. Cannot connect: ConnectionError. */
export async function withClient<T>(context: CommandContext, remote: RemoteArg, fn: (client: Client) => Promise<T>, connections?: number): Promise<T> {
  const flags = clientFlags(context.args.options);
  const ftp = await factoryFor(remote, flags, context.env, connections ?? flags.parallel);
  return ftp.client(fn);
}
