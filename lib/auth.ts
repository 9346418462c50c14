import { text } from '../common/check.js';

/** A user name and password (RFC 959 USER/PASS). */
export class Basic {
  readonly username: string;
  readonly password: string;

  constructor(username: string, password: string) {
    this.username = text('Basic username', username, { allowEmpty: false });
    this.password = text('Basic password', password);
  }

  toJSON(): { username: string } {
    return { username: this.username }; // never print the password
  }
}

/**
 * Anonymous access (RFC 1635) that says who is calling: the identifier is sent as the
 * anonymous password, by custom an e-mail address or a client name.
 */
export class Guest {
  readonly identifier: string;

  constructor(identifier = 'anonymous@') {
    this.identifier = text('Guest identifier', identifier);
  }
}

export type Auth = Basic | Guest;
