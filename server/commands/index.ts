import { access } from './access.js';
import { dataSetup } from './data-setup.js';
import { files } from './files.js';
import { hash } from './hash.js';
import { helpCommand, info } from './info.js';
import { listing } from './listing.js';
import { navigation } from './navigation.js';
import { params } from './params.js';
import { security } from './security.js';
import { transfer } from './transfer.js';
import type { CommandHandler } from './types.js';

// The X-variants of RFC 775, still sent by some Windows and old Unix clients.
const aliases: Record<string, string> = { XPWD: 'PWD', XCWD: 'CWD', XCUP: 'CDUP', XMKD: 'MKD', XRMD: 'RMD' };

const table = new Map<string, CommandHandler>(
  Object.entries({ ...access, ...info, ...params, ...navigation, ...files, ...listing, ...transfer, ...dataSetup, ...security, ...hash, HELP: helpCommand(commandNames) }),
);
for (const [alias, verb] of Object.entries(aliases)) table.set(alias, table.get(verb)!);

export function findCommand(verb: string): CommandHandler | undefined {
  return table.get(verb);
}

/** Every command the server answers, for HELP. */
export function commandNames(): string[] {
  return [...table.keys()].sort();
}
