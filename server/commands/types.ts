import type { Access } from '../session-state.js';
import type { CommandContext } from './context.js';

/** One FTP command: when it may run, what argument it takes, and what it does. */
export interface CommandHandler {
  access: Access;
  arg: 'none' | 'required' | 'optional';
  run(session: CommandContext, arg: string): void | Promise<void>;
}

export type CommandGroup = Readonly<Record<string, CommandHandler>>;
