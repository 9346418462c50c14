import { setTimeout as sleep } from 'node:timers/promises';
import { isIP } from 'node:net';
import { rawAsText } from '../../protocol/text.js';
import type { UserFileSystem } from '../fs/user-fs.js';
import type { CommandContext } from './context.js';
import type { CommandGroup } from './types.js';

// Logging in and out (RFC 959 §4.1.1), HOST (RFC 7151). Every USER gets the same 331
// and every failed PASS the same 530, after a delay that grows with each failure, so
// that neither the replies nor their timing tell which user names exist.

async function pass(session: CommandContext, password: string): Promise<void> {
  const { options } = session;
  const account = session.authenticate(session.pendingUser!, rawAsText(password));
  if (!account) {
    const failures = session.loginFailed();
    await sleep(options.ms.loginDelay * failures, undefined, { signal: session.lifetime }).catch(() => {});
    session.reply(530, 'Login incorrect');
    if (failures >= options.limits.loginAttempts) await session.close();
    return;
  }
  let fs: UserFileSystem;
  try {
    fs = await session.openFileSystem(account);
  } catch (error) {
    // The server's fault, told to its owner; the client gets the one 530 there is.
    session.reportError(error);
    session.cancelLogin();
    session.reply(530, 'Login incorrect');
    return;
  }
  session.login(account, fs);
  session.reply(230, account.anonymous ? 'Anonymous access granted' : 'Login successful');
}

// RFC 7151 §3: a domain name, or an IP address literal in brackets.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export const access: CommandGroup = {
  USER: {
    access: 'login',
    arg: 'required',
    run(session, name) {
      session.expectPassword(rawAsText(name));
      session.reply(331, 'Please specify the password');
    },
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
