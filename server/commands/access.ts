import { setTimeout as sleep } from 'node:timers/promises';
import { isIP } from 'node:net';
import { rawAsText } from '../../protocol/text.js';
import { UserFileSystem } from '../fs/user-fs.js';
import type { Session } from '../session.js';
import type { CommandGroup } from './types.js';

// Logging in and out (RFC 959 §4.1.1), HOST (RFC 7151). Every USER gets the same 331
// and every failed PASS the same 530, after a delay that grows with each failure, so
// that neither the replies nor their timing tell which user names exist.

async function pass(session: Session, password: string): Promise<void> {
  const { users, options, stats } = session.server;
  const name = session.pendingUser!;
  const account = users.authenticate(name, rawAsText(password));
  if (!account) {
    session.failedLogins++;
    stats.failedLogins++;
    session.server.emit('login-failed', { session: session.id, address: session.remoteAddress, user: name });
    session.pendingUser = null;
    session.state = 'need-user';
    await sleep(options.ms.loginDelay * session.failedLogins, undefined, { signal: session.lifetime.signal }).catch(() => {});
    session.reply(530, 'Login incorrect');
    if (session.failedLogins >= options.limits.loginAttempts) await session.close();
    return;
  }
  let fs: UserFileSystem;
  try {
    fs = await UserFileSystem.open(session.server.storage, account.home, account.rights);
  } catch (error) {
    // The server's fault, told to its owner; the client gets the one 530 there is.
    session.server.emit('session-error', { session: session.id, address: session.remoteAddress, error });
    session.pendingUser = null;
    session.state = 'need-user';
    session.reply(530, 'Login incorrect');
    return;
  }
  session.login(account, fs);
  stats.logins++;
  session.server.emit('login', { session: session.id, address: session.remoteAddress, user: account.name, anonymous: account.anonymous });
  session.reply(230, account.anonymous ? 'Anonymous access granted' : 'Login successful');
}

// RFC 7151 §3: a domain name, or an IP address literal in brackets.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export const access: CommandGroup = {
  USER: {
    access: 'login',
    arg: 'required',
    run(session, name) {
      session.pendingUser = rawAsText(name);
      session.state = 'need-password';
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
