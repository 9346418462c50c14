import { describe, warn } from './warnings.js';

/** Callbacks for monitoring (the seed's `hooks`). Each may be async; it is awaited. */
export interface Hooks {
  /** A connection to the server is up and logged in. */
  connect?: (connection: ConnectionInfo) => unknown;
  /** An operation failed (it also resolved to false/null and warned). */
  error?: (error: Error) => unknown;
  /** A file upload is starting: local source, remote target. */
  upload?: (source: string, target: string) => unknown;
  /** A file download is starting: remote source, local target. */
  download?: (source: string, target: string) => unknown;
  /** The web API served a request (the server side). `duration` is in seconds. */
  request?: (request: HookRequest, response: HookResponse, duration: number) => unknown;
}

export interface ConnectionInfo {
  host: string;
  port: number;
  secure: boolean;
  /** The server's greeting line. */
  greeting: string;
  toString(): string;
}

export interface HookRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface HookResponse {
  status: number;
  headers: Record<string, string | number | string[] | undefined>;
}

const names = ['connect', 'error', 'upload', 'download', 'request'] as const;

export function checkHooks(value: unknown): Hooks {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new TypeError('hooks must be an object of functions');
  for (const [key, fn] of Object.entries(value)) {
    if (!(names as readonly string[]).includes(key)) throw new TypeError(`hooks: unknown hook ${JSON.stringify(key)} (known: ${names.join(', ')})`);
    if (typeof fn !== 'function') throw new TypeError(`hooks.${key} must be a function`);
  }
  return value as Hooks;
}

/**
 * Calls a hook and waits for it. A hook that throws is the user's bug, not a failed
 * transfer: it becomes a warning and the operation goes on.
 */
export function callHook<K extends keyof Hooks>(hooks: Hooks, name: K, ...args: Parameters<NonNullable<Hooks[K]>>): Promise<void> {
  return callUser(`hook ${name}`, hooks[name] as ((...a: unknown[]) => unknown) | undefined, ...args);
}

/**
 * Calls a user's callback, `what` by name, and waits for it: a throw or a rejection is
 * warned about (FTPPY_ERR_HOOK), never passed on. The client's hooks and the web API's
 * request hook both go through here.
 */
export async function callUser<A extends unknown[]>(what: string, callback: ((...args: A) => unknown) | undefined, ...args: A): Promise<void> {
  if (!callback) return;
  try {
    await callback(...args);
  } catch (error) {
    warn(`${what} threw: ${describe(error)}`, 'FTPPY_ERR_HOOK');
  }
}
