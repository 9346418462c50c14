import type { Session } from '../session.js';
import type { Access } from '../session-state.js';

/** One FTP command: when it may run, what argument it takes, and what it does. */
export interface CommandHandler {
  access: Access;
  arg: 'none' | 'required' | 'optional';
  run(session: Session, arg: string): void | Promise<void>;
}

export type CommandGroup = Readonly<Record<string, CommandHandler>>;
