import { selectMlstFacts } from '../../protocol/listing/index.js';
import { featureLines } from '../features.js';
import { hashAlgorithm } from '../../common/hash.js';
import { statusListing } from './listing.js';
import type { CommandContext } from './context.js';
import type { CommandGroup, CommandHandler } from './types.js';

// Commands that tell about the server and the session, and OPTS that tune the session.

function status(session: CommandContext): string[] {
  const data = session.hasData ? 'set up' : 'none';
  return [
    'FtpPy server status:',
    ` Connected from ${session.remoteAddress}`,
    session.account ? ` Logged in as ${session.account.name}` : ' Not logged in',
    ` TYPE: ${session.type === 'A' ? 'ASCII' : 'BINARY'}, STRUcture: File, MODE: Stream`,
    ` Control connection: ${session.secure ? 'TLS' : 'plain text'}; data protection: ${session.protection === 'P' ? 'private' : 'clear'}`,
    ` Data connection: ${data}`,
    'End of status',
  ];
}

function opts(session: CommandContext, arg: string): void {
  const space = arg.indexOf(' ');
  const option = (space === -1 ? arg : arg.slice(0, space)).toUpperCase();
  const value = space === -1 ? '' : arg.slice(space + 1).trim();
  switch (option) {
    case 'UTF8':
    case 'UTF-8':
      // Paths are UTF-8 either way (RFC 2640), with a Latin-1 fallback for bytes that are not.
      if (value === '' || /^(ON|OFF)$/i.test(value)) session.reply(200, `UTF8 ${value === '' ? 'ON' : value.toUpperCase()}`);
      else session.reply(501, 'OPTS UTF8 takes ON or OFF');
      return;
    case 'MLST': {
      const facts = selectMlstFacts(value);
      session.setMlstFacts(facts);
      session.reply(200, `MLST OPTS ${facts.map((f) => `${f};`).join('')}`);
      return;
    }
    case 'HASH': {
      if (value === '') {
        session.reply(200, session.hashAlgorithm);
        return;
      }
      const algorithm = hashAlgorithm(value);
      if (!algorithm) {
        session.reply(501, 'Unknown algorithm, current selection not changed');
        return;
      }
      session.setHashAlgorithm(algorithm);
      session.reply(200, algorithm);
      return;
    }
    default:
      session.reply(501, `OPTS ${option.slice(0, 16)} is not supported`);
  }
}

/** HELP, answered from `names`: every command the server answers, sorted (the registry, which holds HELP itself). */
export function helpCommand(names: () => readonly string[]): CommandHandler {
  return {
    access: 'any',
    arg: 'optional',
    run(session, arg) {
      const all = names();
      if (arg.trim() !== '') {
        const verb = arg.trim().toUpperCase();
        if (all.includes(verb)) session.reply(214, `${verb} is supported`);
        else session.reply(502, `${verb.slice(0, 16)}: unknown command`);
        return;
      }
      const rows: string[] = [];
      for (let i = 0; i < all.length; i += 8) rows.push(` ${all.slice(i, i + 8).map((n) => n.padEnd(5)).join(' ')}`);
      session.reply(214, ['The following commands are recognized:', ...rows, 'Help OK']);
    },
  };
}

export const info: CommandGroup = {
  NOOP: { access: 'any', arg: 'none', run: (session) => session.reply(200, 'NOOP ok') },
  SYST: { access: 'any', arg: 'none', run: (session) => session.reply(215, 'UNIX Type: L8') },
  FEAT: { access: 'any', arg: 'none', run: (session) => session.reply(211, ['Features:', ...featureLines(session.options.tls, session), 'End']) },
  OPTS: { access: 'any', arg: 'required', run: opts },
  STAT: {
    access: 'any',
    arg: 'optional',
    async run(session, arg) {
      const transfer = session.transfer;
      if (transfer) {
        session.reply(213, `Status: ${transfer.verb} ${transfer.path}, ${transfer.bytes} bytes so far`);
        return;
      }
      if (arg.trim() === '') {
        session.reply(211, status(session));
        return;
      }
      if (session.state !== 'logged-in') {
        session.reply(530, 'Please log in with USER and PASS first');
        return;
      }
      await statusListing(session, arg);
    },
  },
};
