// Reads the session ticket a TLS ClientHello offers, without taking part in the
// handshake: the server picks which FTP session's ticket keys answer it before OpenSSL
// sees the hello (tls.ts). Pure: bytes in, an answer out.

const HANDSHAKE_RECORD = 22;
const CLIENT_HELLO = 1;
const SESSION_TICKET = 35; // TLS 1.2 (RFC 5077)
const PRE_SHARED_KEY = 41; // TLS 1.3 (RFC 8446 §4.2.11)
/** OpenSSL's tickets (and so Node's) begin with the 16-byte name of the key that sealed them. */
export const TICKET_KEY_NAME_BYTES = 16;
// A hello larger than this is not worth reading ahead: OpenSSL gets it as it is.
const MOST_BYTES = 64 * 1024;

export type HelloTicket =
  /** More bytes are needed to read the whole ClientHello. */
  | { done: false }
  /** The ClientHello is read (or is not one): the name of its ticket's key, when it offers a ticket. */
  | { done: true; keyName: Buffer | null };

const NONE: HelloTicket = { done: true, keyName: null };

/** The ClientHello's handshake message from the first bytes of a connection, or what is missing. */
function helloMessage(bytes: Buffer): Buffer | 'more' | null {
  // The message may span several records: their fragments joined.
  const fragments: Buffer[] = [];
  let at = 0;
  for (;;) {
    const body = Buffer.concat(fragments);
    if (body.length >= 4) {
      if (body[0] !== CLIENT_HELLO) return null;
      const length = body.readUIntBE(1, 3);
      if (body.length >= 4 + length) return body.subarray(4, 4 + length);
    }
    if (bytes.length < at + 5) return bytes.length >= MOST_BYTES ? null : 'more';
    if (bytes[at] !== HANDSHAKE_RECORD) return null;
    const length = bytes.readUInt16BE(at + 3);
    if (bytes.length < at + 5 + length) return bytes.length >= MOST_BYTES ? null : 'more';
    fragments.push(bytes.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
}

/** Where the ClientHello's ticket is, when it offers one. */
export function helloTicket(bytes: Buffer): HelloTicket {
  const hello = helloMessage(bytes);
  if (hello === 'more') return { done: false };
  if (hello === null) return NONE;
  try {
    let at = 2 + 32; // legacy_version, random
    at += 1 + hello.readUInt8(at); // legacy_session_id
    at += 2 + hello.readUInt16BE(at); // cipher_suites
    at += 1 + hello.readUInt8(at); // legacy_compression_methods
    const end = at + 2 + hello.readUInt16BE(at);
    at += 2;
    while (at + 4 <= end) {
      const type = hello.readUInt16BE(at);
      const length = hello.readUInt16BE(at + 2);
      const data = hello.subarray(at + 4, at + 4 + length);
      at += 4 + length;
      let ticket: Buffer | null = null;
      if (type === SESSION_TICKET) ticket = data;
      // identities<7..2^16-1>, each: identity<1..2^16-1>, obfuscated_ticket_age (uint32). The first is the ticket.
      else if (type === PRE_SHARED_KEY && data.length >= 4) ticket = data.subarray(4, 4 + data.readUInt16BE(2));
      if (ticket && ticket.length >= TICKET_KEY_NAME_BYTES) return { done: true, keyName: ticket.subarray(0, TICKET_KEY_NAME_BYTES) };
    }
  } catch {
    // A malformed hello: OpenSSL will say so.
  }
  return NONE;
}
