import type { OptionSpec, ParsedArgs } from './args.js';
import type { Output } from './output.js';

/** What a command runs with. */
export interface CommandContext {
  args: ParsedArgs;
  output: Output;
  env: NodeJS.ProcessEnv;
  /** What `put -` uploads. */
  stdin: NodeJS.ReadableStream;
  /** Fires on Ctrl-C: operations under way reject with its reason. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `ftppy --help`. */
  summary: string;
  /** `ftppy NAME --help`: usage and the command's own options (the client options are added after). */
  help: string;
  options: OptionSpec[];
  /** Takes a URL and the client options (--parallel, --json, …). */
  client: boolean;
  /** Resolves true when everything succeeded (exit 0), false when something failed (exit 1). */
  run(context: CommandContext): Promise<boolean>;
}

export const helpOption: OptionSpec = { name: 'help', short: 'h', kind: 'flag' };

/** The options every client command takes. */
export const clientOptions: OptionSpec[] = [
  { name: 'parallel', short: 'P', kind: 'number' },
  { name: 'retries', kind: 'number' },
  { name: 'timeout', kind: 'number' },
  { name: 'passive', kind: 'flag' },
  { name: 'active', kind: 'flag' },
  { name: 'insecure', short: 'k', kind: 'flag' },
  { name: 'ca', kind: 'string' },
  { name: 'implicit', kind: 'flag' },
  { name: 'limit-rate', kind: 'string' },
  { name: 'encoding', kind: 'string' },
  { name: 'proxy', kind: 'string' },
  { name: 'quiet', short: 'q', kind: 'flag' },
  { name: 'json', kind: 'flag' },
];

export const clientHelp = `
Client options:
  -P, --parallel N   transfers and connections at once (default 10)
  --retries N        retries of a failed operation (default 3)
  --timeout SECONDS  to connect, and to wait for a reply or for data (default 10 and 30)
  --passive          passive mode: the client opens data connections (default)
  --active           active mode (EPRT/PORT): the server connects back
  -k, --insecure     do not check the server's TLS certificate
  --ca FILE          trust the CA certificate(s) in FILE (PEM) for ftps://
  --implicit         implicit FTPS: TLS from the first byte (ftps://, port 990 by default)
  --limit-rate RATE  bytes per second for all transfers together, as curl: 500k, 5M, 1G
                     (powers of 1024; at least 4k; default: no limit)
  --encoding NAME    the server's charset for names: utf8 (default; other bytes kept
                     as they are) or latin1 (names read, typed and saved as Latin-1 text)
  --proxy URL        socks5://[user:pass@]host:port, socks5h://… or http://host:port
                     (CONNECT); default: ftp_proxy / ftps_proxy / ALL_PROXY, unless
                     NO_PROXY names the host; --proxy '' goes direct
  -q, --quiet        print only what was asked for (listings, contents) and warnings
  --json             print one JSON document: results, entries and warnings
  -h, --help         this help

URLs: ftp://[user[:password]@]host[:port]/path or ftps://… (explicit FTPS, AUTH TLS).
The path is relative to the login folder; %2F in front makes it absolute
(ftp://host/%2Fetc/motd). Credentials not in the URL come from FTPPY_USER and
FTPPY_PASSWORD, then from ~/.netrc; else the login is anonymous.
Exit status: 0 everything succeeded, 1 something failed, 2 usage error.
`;

/** A command's whole help text. */
export function helpText(command: Command): string {
  return command.client ? `${command.help.trimEnd()}\n${clientHelp}` : command.help;
}
