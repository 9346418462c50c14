import type { CommandGroup } from './types.js';

// Transfer parameters (RFC 959 §4.1.2). Only what a file server needs is implemented:
// TYPE A (non-print) and I, MODE S, STRU F; the rest are refused with 504, as the RFC
// lets a server do.

export const params: CommandGroup = {
  TYPE: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      const [type = '', form = ''] = arg.trim().toUpperCase().split(/\s+/);
      if (type === 'I' || (type === 'L' && form === '8')) {
        session.setType('I');
        session.reply(200, 'Type set to I');
      } else if (type === 'A' && (form === '' || form === 'N')) {
        session.setType('A');
        session.reply(200, 'Type set to A');
      } else if (['A', 'E', 'L'].includes(type)) {
        session.reply(504, `TYPE ${arg.trim().slice(0, 8)} is not supported`);
      } else {
        session.reply(501, `Unknown TYPE: ${arg.trim().slice(0, 8)}`);
      }
    },
  },
  MODE: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      const mode = arg.trim().toUpperCase();
      if (mode === 'S') session.reply(200, 'Mode set to S');
      else if (mode === 'B' || mode === 'C' || mode === 'Z') session.reply(504, `MODE ${mode} is not supported`);
      else session.reply(501, 'Unknown MODE');
    },
  },
  STRU: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      const structure = arg.trim().toUpperCase();
      if (structure === 'F') session.reply(200, 'Structure set to F');
      else if (structure === 'R' || structure === 'P') session.reply(504, `STRU ${structure} is not supported`);
      else session.reply(501, 'Unknown STRU');
    },
  },
  ALLO: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      if (!/^\s*\d+(\s+R\s+\d+)?\s*$/i.test(arg)) session.reply(501, 'ALLO takes a byte count');
      else session.reply(202, 'No storage allocation necessary');
    },
  },
};
