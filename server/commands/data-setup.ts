import { isIPv4, isIPv6 } from 'node:net';
import {
  formatEpsvReply,
  formatPasvReply,
  parseEprtArgument,
  parsePortArgument,
  unmapIPv4,
  type HostPort,
} from '../../protocol/address.js';
import { bounceCheck } from '../data/active.js';
import { PassivePort } from '../data/passive.js';
import type { CommandContext } from './context.js';
import type { CommandGroup } from './types.js';

// How the next data connection is made: passive (PASV, EPSV) or active (PORT, EPRT),
// RFC 959 §4.1.2 and RFC 2428. Each serves one transfer; a new one replaces the last.

function refusedByEpsvAll(session: CommandContext): boolean {
  if (!session.epsvAll) return false;
  session.reply(503, 'EPSV ALL is in effect: only EPSV may set up data connections');
  return true;
}

async function openPassive(session: CommandContext): Promise<number> {
  session.setData(null);
  const { pasv } = session.options;
  const port = await PassivePort.open({
    host: unmapIPv4(session.localAddress),
    min: pasv.min,
    max: pasv.max,
    peer: session.remoteAddress,
    prepare: (socket) => session.prepareData(socket),
    tally: session.passivePorts,
    ...(session.dataOrigin ? { origin: session.dataOrigin } : {}),
  });
  session.setData({ mode: 'passive', port });
  return port.port;
}

/** The control connection's address family, as EPSV/EPRT number it: 1 (IPv4) or 2 (IPv6). */
const familyOf = (session: CommandContext): '1' | '2' => (isIPv4(unmapIPv4(session.publicAddress)) ? '1' : '2');

function setActive(session: CommandContext, target: HostPort): void {
  const refused = bounceCheck(target, session.remoteAddress);
  if (refused) {
    session.reply(504, refused);
    return;
  }
  session.setData({ mode: 'active', target });
  session.reply(200, 'Active mode data connection set up');
}

export const dataSetup: CommandGroup = {
  PASV: {
    access: 'session',
    arg: 'none',
    async run(session) {
      if (refusedByEpsvAll(session)) return;
      const local = unmapIPv4(session.publicAddress);
      const address = session.options.pasv.address ?? (isIPv4(local) ? local : null);
      if (address === null) {
        session.reply(425, 'PASV cannot name an IPv6 address: use EPSV');
        return;
      }
      const port = await openPassive(session);
      session.reply(227, formatPasvReply({ host: address, port }));
    },
  },
  EPSV: {
    access: 'session',
    arg: 'optional',
    async run(session, arg) {
      const what = arg.trim().toUpperCase();
      if (what === 'ALL') {
        session.enableEpsvAll();
        session.reply(200, 'EPSV ALL: from now on only EPSV');
        return;
      }
      if (what !== '' && what !== familyOf(session)) {
        session.reply(what === '1' || what === '2' ? 522 : 501, `Network protocol not supported, use (${familyOf(session)})`);
        return;
      }
      const port = await openPassive(session);
      session.reply(229, formatEpsvReply(port));
    },
  },
  PORT: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      if (refusedByEpsvAll(session)) return;
      let target: HostPort;
      try {
        target = parsePortArgument(arg);
      } catch {
        session.reply(501, 'Usage: PORT h1,h2,h3,h4,p1,p2');
        return;
      }
      setActive(session, target);
    },
  },
  EPRT: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      if (refusedByEpsvAll(session)) return;
      let target: HostPort;
      try {
        target = parseEprtArgument(arg.trim());
      } catch {
        // RFC 2428 §2: an unknown network protocol gets 522 and the ones we know.
        const family = /^\s*([!-~])(\d+)\1/.exec(arg)?.[2];
        if (family !== undefined && family !== '1' && family !== '2') session.reply(522, `Network protocol not supported, use (${familyOf(session)})`);
        else session.reply(501, 'Usage: EPRT |1|address|port| or |2|address|port|');
        return;
      }
      if ((isIPv6(target.host) ? '2' : '1') !== familyOf(session)) {
        session.reply(522, `Network protocol not supported, use (${familyOf(session)})`);
        return;
      }
      setActive(session, target);
    },
  },
};
