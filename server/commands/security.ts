import type { CommandGroup } from './types.js';

// FTPS, explicit (RFC 4217 with the commands of RFC 2228): AUTH TLS upgrades the control
// connection, PBSZ 0 then PROT P protect the data connections. CCC is refused: a
// control connection that drops back to plain text would expose every later command.

export const security: CommandGroup = {
  AUTH: {
    access: 'any',
    arg: 'required',
    async run(session, arg) {
      if (!session.tlsAvailable) {
        session.reply(502, 'TLS is not configured on this server');
        return;
      }
      if (session.secure) {
        session.reply(503, 'The control connection is already protected');
        return;
      }
      // TLS-C and SSL are older names for the same; TLS-P meant TLS plus PROT P.
      if (!/^(TLS|TLS-C|TLS-P|SSL)$/i.test(arg.trim())) {
        session.reply(504, `AUTH ${arg.trim().slice(0, 16)} is not supported (use AUTH TLS)`);
        return;
      }
      await session.upgradeToTls();
    },
  },
  PBSZ: {
    access: 'any',
    arg: 'required',
    run(session, arg) {
      if (!session.secure) {
        session.reply(503, 'PBSZ needs AUTH TLS first');
      } else if (!/^\d+$/.test(arg.trim())) {
        session.reply(501, 'PBSZ takes a number');
      } else {
        session.setPbsz();
        session.reply(200, 'PBSZ=0'); // TLS needs no buffer size: always 0 (RFC 4217 §8)
      }
    },
  },
  PROT: {
    access: 'any',
    arg: 'required',
    run(session, arg) {
      const level = arg.trim().toUpperCase();
      if (!session.secure || !session.pbsz) {
        session.reply(503, session.secure ? 'PROT needs PBSZ first' : 'PROT needs AUTH TLS first');
      } else if (level === 'P') {
        session.setProtection('P');
        session.reply(200, 'Data connections will be protected');
      } else if (level === 'C') {
        if (session.options.tls?.requireData) {
          session.reply(534, 'PROT C refused: data connections must be protected');
        } else {
          session.setProtection('C');
          session.reply(200, 'Data connections will be in clear text');
        }
      } else if (level === 'S' || level === 'E') {
        session.reply(536, `PROT ${level} is not supported with TLS`);
      } else {
        session.reply(504, `Unknown protection level ${level.slice(0, 8)}`);
      }
    },
  },
  CCC: {
    access: 'any',
    arg: 'none',
    run(session) {
      if (!session.secure) session.reply(533, 'The control connection is not protected');
      else session.reply(534, 'CCC refused: the control connection stays protected');
    },
  },
};
