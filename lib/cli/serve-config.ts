import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MAX_TIMER_SECONDS } from '../../common/check.js';
import { FtpPyError } from '../../common/errors.js';

// `ftppy serve --config server.json`: the file's schema is the one table SERVE_FILE
// below, a line per key; the type of a read file (ServeFile) is inferred from it, so a
// new key is one line here plus its use in serve.ts. Every fault names where it is, as
// a path into the file (`users[1].rigths: unknown key`). Paths of files and folders in
// the file are taken relative to the file's own folder, so that it can move with them.

/** Where a value sits: its path in the file, and the folder relative paths start from. */
interface At {
  path: string;
  base: string;
}

type Check<T> = (value: unknown, at: At) => T;

function fault(at: At, message: string): never {
  throw new FtpPyError('FTPPY_ERR_INVALID_ARGUMENT', `${at.path || 'the file'}: ${message}`);
}

const shown = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : JSON.stringify(value));

const string: Check<string> = (value, at) => (typeof value === 'string' ? value : fault(at, `expected a string, got ${shown(value)}`));
const boolean: Check<boolean> = (value, at) => (typeof value === 'boolean' ? value : fault(at, `expected true or false, got ${shown(value)}`));
const whole: Check<number> = (value, at) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fault(at, `expected a whole number, got ${shown(value)}`));
const port: Check<number> = (value, at) => (whole(value, at) <= 65535 ? (value as number) : fault(at, `expected a port (0-65535), got ${shown(value)}`));
// No longer than a Node timer holds: past it, a timer fires at once.
const seconds: Check<number> = (value, at) => (typeof value === 'number' && value >= 0 && value <= MAX_TIMER_SECONDS ? value : fault(at, `expected seconds (a number ≥ 0, at most ${MAX_TIMER_SECONDS}), got ${shown(value)}`));
/** A file or folder: relative to the config file's folder. */
const path: Check<string> = (value, at) => resolve(at.base, string(value, at));

function oneOf<T extends string>(...choices: T[]): Check<T> {
  return (value, at) => (choices.includes(value as T) ? (value as T) : fault(at, `expected ${choices.map((c) => JSON.stringify(c)).join(' or ')}, got ${shown(value)}`));
}

function literal<T extends boolean>(only: T): Check<T> {
  return (value, at) => (value === only ? only : fault(at, `expected ${String(only)}, got ${shown(value)}`));
}

function list<T>(item: Check<T>): Check<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) fault(at, `expected an array, got ${shown(value)}`);
    return value.map((v, i) => item(v, { ...at, path: `${at.path}[${i}]` }));
  };
}

/** A key the object must have (the others may be left out). */
type Must<T> = Check<T> & { required: true };

function required<T>(check: Check<T>): Must<T> {
  return Object.assign((value: unknown, at: At) => check(value, at), { required: true as const });
}

type Shape = Record<string, Check<unknown>>;
type MustKeys<S extends Shape> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];
type Value<C> = C extends Check<infer T> ? T : never;
type Read<S extends Shape> = { [K in MustKeys<S>]: Value<S[K]> } & { [K in Exclude<keyof S, MustKeys<S>>]?: Value<S[K]> };

function object<S extends Shape>(shape: S): Check<Read<S>> {
  return (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fault(at, `expected an object, got ${shown(value)}`);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const where = { ...at, path: at.path ? `${at.path}.${key}` : key };
      const check = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (!check) fault(where, `unknown key (known here: ${Object.keys(shape).join(', ')})`);
      out[key] = check(v, where);
    }
    for (const [key, check] of Object.entries(shape)) {
      if ((check as { required?: boolean }).required && !(key in out)) fault(at, `${key} is missing`);
    }
    return out as Read<S>;
  };
}

/**
 * An object goes to the object check among `checks`, so that its fault names the key
 * inside; anything else to the first other check that takes it.
 */
function either<T extends Check<unknown>[]>(what: string, ...checks: T): Check<ReturnType<T[number]>> {
  return (value, at) => {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    for (const check of checks) {
      if (((check as { object?: boolean }).object === true) !== isObject) continue;
      if (isObject) return check(value, at) as ReturnType<T[number]>;
      try {
        return check(value, at) as ReturnType<T[number]>;
      } catch {
        // the next one, perhaps
      }
    }
    return fault(at, `expected ${what}, got ${shown(value)}`);
  };
}

function objectCheck<S extends Shape>(shape: S): Check<Read<S>> {
  return Object.assign(object(shape), { object: true });
}

/** Bytes per second, or null for no limit (the server checks the least rate). */
const perSecond: Check<number | null> = (value, at) => (value === null ? null : whole(value, at));
/** A limit, or null for none. */
const upTo: Check<number | null> = (value, at) => (value === null ? null : whole(value, at));
const RATE = objectCheck({ download: perSecond, upload: perSecond });
const QUOTA = either('null or { bytes, files }', (value, at) => (value === null ? null : fault(at, 'not null')), objectCheck({ bytes: upTo, files: upTo }));

/** `{ subject }` or `{ fingerprint }`: the object's one key says which. */
const certificateRule: Check<{ subject: string } | { fingerprint: string }> = (value, at) =>
  typeof value === 'object' && value !== null && 'fingerprint' in value ? object({ fingerprint: required(string) })(value, at) : object({ subject: required(string) })(value, at);

const RIGHTS = objectCheck({ read: boolean, write: boolean, delete: boolean, mkdir: boolean, rename: boolean });

const USER_KEYS = object({
  name: required(string),
  password: string,
  home: string,
  rights: RIGHTS,
  addresses: list(string),
  certificate: certificateRule,
  rate: RATE,
  quota: QUOTA,
});

/** An account: it logs in by password, by certificate, or (when both are given) needs both. */
const USER: Check<ReturnType<typeof USER_KEYS>> = Object.assign(
  (value: unknown, at: At) => {
    const user = USER_KEYS(value, at);
    if (user.password === undefined && user.certificate === undefined) fault(at, 'password is missing (or give a certificate)');
    return user;
  },
  { object: true },
);

/** The config file: what `ftp.server()` takes (lib/serve.ts, server/options.ts), and the CLI's own `log`. */
export const SERVE_FILE = object({
  host: string,
  port: port,
  root: path,
  greeting: string,
  users: list(USER),
  /** A module whose default export decides logins the users list does not know. */
  authenticate: path,
  ban: either('false or { failures, window, duration, capacity }', literal(false), objectCheck({ failures: whole, window: seconds, duration: seconds, capacity: whole })),
  login: objectCheck({ attempts: whole, delay: seconds, timeout: seconds }),
  /** Every account's default bandwidth per transfer. */
  rate: RATE,
  anonymous: either('true, false or { names, home, rights }', boolean, objectCheck({ names: list(string), home: string, rights: RIGHTS, rate: RATE, quota: QUOTA })),
  tls: objectCheck({ cert: required(path), key: required(path), ca: path, ciphers: string, implicit: boolean, requireLogin: boolean, requireData: boolean, reuse: boolean }),
  pasv: objectCheck({ min: port, max: port, address: string }),
  proxyProtocol: objectCheck({ trusted: required(list(string)), timeout: seconds }),
  limits: objectCheck({ connections: whole, perAddress: whole, lineBytes: whole, loginAttempts: whole, loginDelay: seconds }),
  timeouts: objectCheck({ idle: seconds, data: seconds, stall: seconds, grace: seconds, uploadSettle: seconds }),
  web: either('a port, false or { port, metrics, health }', port, literal(false), objectCheck({ port, metrics: boolean, health: boolean })),
  log: oneOf('json', 'off'),
});

export type ServeFile = ReturnType<typeof SERVE_FILE>;

/** Checks a config file's text; `file` names it in faults and is where its relative paths start. */
export function parseServeFile(text: string, file: string): ServeFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FtpPyError('FTPPY_ERR_INVALID_ARGUMENT', `${file}: not JSON: ${(error as Error).message}`);
  }
  try {
    return SERVE_FILE(value, { path: '', base: dirname(resolve(file)) });
  } catch (error) {
    if (FtpPyError.is(error)) throw new FtpPyError(error.code, `${file}: ${error.message}`);
    throw error;
  }
}

export async function readServeFile(file: string): Promise<ServeFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FtpPyError('FTPPY_ERR_LOCAL', `cannot read the config file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseServeFile(text, file);
}
