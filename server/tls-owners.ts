// Which FTP session issued a TLS session ticket: each FTP session seals its tickets with
// its own key, whose name opens every ticket (tls-hello.ts). A data connection may
// resume a session of its own FTP session, as RFC 4217 §10.2 intends, or one issued to
// another FTP session of the same logged-in user: Go (rclone) shares one TLS session
// cache among all its connections to a server, so its data connection often offers a
// sibling control connection's ticket. Holding a ticket the server issued to that
// user's connection still proves the data connection comes from the same client; a
// ticket of another user's connection is never honoured.

/** What the registry knows of one FTP session's TLS side. */
export interface TicketOwner {
  /** The user whose other sessions may share this one's tickets, or null (nobody logged in, anonymous, sharing off). */
  readonly sharingUser: string | null;
}

export class TicketOwners<Owner extends TicketOwner> {
  readonly #owners = new Map<string, Owner>();

  add(keyName: Buffer, owner: Owner): void {
    this.#owners.set(keyName.toString('hex'), owner);
  }

  remove(keyName: Buffer): void {
    this.#owners.delete(keyName.toString('hex'));
  }

  /**
   * The FTP session whose key sealed a ticket offered on a data connection of
   * `resumer`, when `resumer` may resume it; else null (its own key answers, and a
   * foreign ticket only fails to resume).
   */
  sharedWith(resumer: Owner, keyName: Buffer | null): Owner | null {
    if (keyName === null || resumer.sharingUser === null) return null;
    const owner = this.#owners.get(keyName.toString('hex'));
    return owner !== undefined && owner !== resumer && owner.sharingUser === resumer.sharingUser ? owner : null;
  }
}
