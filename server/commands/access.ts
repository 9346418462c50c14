import { isIP } from 'node:net';
import { rawAsText } from '../../protocol/text.js';
import { loginDeadline } from '../authentication.js';
import type { UserFileSystem } from '../fs/user-fs.js';
import type { Account } from '../users.js';
import type { CommandContext } from './context.js';
import type { CommandGroup } from './types.js';

// Logging in and out (RFC 959 §4.1.1), HOST (RFC 7151). Every USER gets the same 331
// and every failed PASS the same 530, a delay after the PASS that grows with each
// failure, so that neither the replies nor their timing tell which user names exist, or
// why a login failed. After AUTH TLS with a client certificate that the server's CA
// bundle vouches for, USER of an account bound to that certificate and without a
// password logs in at once: 232, "User logged in, authorized by security data exchange"
// (RFC 2228, RFC 4217 §11; proftpd's AllowDotLogin).

/** Opens the account's files and logs it in; false (the server's fault, told to its owner) when they cannot be opened. */
async function enter(session: CommandContext, account: Account): Promise<boolean> {
  let fs: UserFileSystem;
  try {
    fs = await session.openFileSystem(account);
  } catch (error) {
    session.reportError(error);
    session.cancelLogin();
    return false;
  }
  session.login(account, fs);
  return true;
}

async function user(session: CommandContext, name: string): Promise<void> {
  const login = rawAsText(name);
  if (session.certificate) {
    const account = await session.authenticate(login, null);
    if (account) {
      if (await enter(session, account)) session.reply(232, 'User logged in, authorized by the client certificate');
      else session.reply(530, 'Login incorrect');
      return;
    }
  }
  session.expectPassword(login);
  session.reply(331, 'Please specify the password');
}

async function pass(session: CommandContext, password: string): Promise<void> {
  const { options } = session;
  const started = performance.now();
  const account = await session.authenticate(session.pendingUser!, rawAsText(password));
  if (session.ended) return; // the session ended meanwhile (client gone, drain): no failure to count or answer
  if (!account) {
    const failures = session.loginFailed();
    await loginDeadline(started, options.ms.loginDelay * failures, session.lifetime);
    session.reply(530, 'Login incorrect');
    if (failures >= options.limits.loginAttempts) await session.close();
    return;
  }
  if (await enter(session, account)) session.reply(230, account.anonymous ? 'Anonymous access granted' : 'Login successful');
  else session.reply(530, 'Login incorrect');
}

// RFC 7151 §3: a domain name, or an IP address literal in brackets.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export const access: CommandGroup = {
  USER: {
    access: 'login',
    arg: 'required',
    run: user,
  },
  PASS: { access: 'login', arg: 'optional', run: pass },
  ACCT: {
    access: 'login',
    arg: 'required',
    run(session) {
      session.reply(202, 'No account needed: ACCT ignored');
    },
  },
  HOST: {
    access: 'login',
    arg: 'required',
    run(session, host) {
      const literal = /^\[(.*)\]$/.exec(host)?.[1];
      if (literal !== undefined ? isIP(literal) === 0 : !DOMAIN.test(host)) {
        session.reply(501, `Not a host name: ${host.slice(0, 64)}`);
        return;
      }
      // One virtual host: every name is served the same tree.
      session.reply(220, `Host ${host} accepted`);
    },
  },
  REIN: {
    access: 'any',
    arg: 'none',
    run(session) {
      session.reset();
      session.reply(220, 'Ready for a new user');
    },
  },
  QUIT: {
    access: 'any',
    arg: 'none',
    async run(session) {
      if (session.transfer) {
        session.closeAfterTransfer(221, 'Goodbye');
        return;
      }
      session.reply(221, 'Goodbye');
      await session.close();
    },
  },
};
