import { backup, backups, restore } from './backup.js';
import { cat } from './cat.js';
import type { Command } from './command.js';
import { cp, mkdir, mv, rm } from './files.js';
import { get } from './get.js';
import { ls } from './ls.js';
import { put } from './put.js';
import { search } from './search.js';
import { serve } from './serve.js';
import { stat } from './stat.js';
import { mirror, sync, verify } from './sync.js';

/** Every command of `ftppy`, in the order the help lists them. */
export const commands: readonly Command[] = [serve, ls, get, put, cat, stat, rm, mkdir, mv, cp, sync, mirror, verify, backup, backups, restore, search];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}

export function mainHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return `Usage: ftppy COMMAND [options]

FTP and FTPS from the command line: a server, and a client on URLs
(ftp://user:password@host:port/path, ftps://…).

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)} ${command.summary}`).join('\n')}

ftppy COMMAND --help shows a command's options.
Examples:
  ftppy serve --root ./data --user admin:secret
  ftppy ls -l ftp://admin:secret@localhost:2121/
  ftppy put report.pdf ftp://admin:secret@localhost:2121/reports/
  ftppy sync up ./site ftp://admin:secret@localhost:2121/www
`;
}
