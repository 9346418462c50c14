import { Basic, Guest, type Auth } from './auth.js';

// Internal: kept out of lib/auth.ts, which is the public `ftppy/auth` entry point.

/** The USER and PASS that an auth value (or none: anonymous) logs in with. */
export function credentials(auth: Auth | undefined): { user: string; password: string } {
  if (auth instanceof Basic) return { user: auth.username, password: auth.password };
  return { user: 'anonymous', password: auth instanceof Guest ? auth.identifier : 'anonymous@' };
}
