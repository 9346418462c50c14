import type { PeerCertificate, TLSSocket } from 'node:tls';

// Client certificates (mutual TLS): what the server knows of the certificate a client
// presented, and an account's rule for which certificate is its own. The server asks for
// a certificate when it has a CA bundle, but lets the handshake through without one
// (rejectUnauthorized false) so that password logins still work: only a certificate that
// chains to that bundle (`authorized`) is ever taken as proof of anything.

/** A client certificate that the server's CA bundle vouches for. */
export interface ClientCertificate {
  /** The subject as `CN=alice, O=Example`, in the certificate's order. */
  subject: string;
  /** The issuer, in the same form. */
  issuer: string;
  /** SHA-256 of the certificate, as `AB:CD:…` (upper case). */
  fingerprint: string;
}

/** An account's certificate: by its whole subject (attributes in any order), or by its SHA-256 fingerprint. */
export type CertificateRule = { subject: string } | { fingerprint: string };

// Each attribute's values in order (a name may repeat one: OU=a, OU=b).
type Attributes = Map<string, string[]>;

/** The client's certificate when it chains to the server's CA bundle; null when none was sent or it does not. */
export function verifiedCertificate(socket: TLSSocket): ClientCertificate | null {
  if (!chainVerified(socket)) return null;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return null;
  return { subject: formatName(cert.subject), issuer: formatName(cert.issuer), fingerprint: cert.fingerprint256 };
}

/**
 * Whether OpenSSL verified the client's chain against the CA bundle. A `tls.Server`
 * (the web API's) sets `authorized` itself; the FTP server makes its TLSSockets by hand
 * (a secure context per FTP session), and for those Node leaves `authorized` false on
 * the server side, so the verification result is read where Node's own servers read it
 * (`verifyError()`, OpenSSL's SSL_get_verify_result, an error when no certificate came).
 * Should that ever be missing, no certificate counts: closed, not open.
 */
function chainVerified(socket: TLSSocket): boolean {
  if (socket.authorized) return true;
  const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  return typeof handle?.verifyError === 'function' && handle.verifyError() === null;
}

function formatName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}=${escapeValue(String(v))}`))
    .join(', ');
}

// A value's own separators are escaped (RFC 4514 §2.4, and the slash of the /C=FR/CN=x
// form), so that a CA-signed common name like "alice, O=Example" stays one attribute and
// cannot pass for the subject CN=alice, O=Example.
const escapeValue = (value: string): string => value.replace(/[\\,/=+;"<>]/g, '\\$&');

/** `CN=alice, O=Example` (commas or slashes between attributes) as attribute → value; null when it is not one. */
function parseName(text: string): Attributes | null {
  const attributes: Attributes = new Map();
  // Split at unescaped separators; a backslash takes the next character as it is.
  const parts: string[] = [];
  let part = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) part += c + text[++i];
    else if (c === ',' || c === '/') {
      parts.push(part);
      part = '';
    } else part += c;
  }
  parts.push(part);
  for (const raw of parts.map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^([A-Za-z][A-Za-z0-9.]*)\s*=\s*(.*)$/s.exec(raw);
    if (!m) return null;
    const key = m[1]!.toUpperCase();
    const value = m[2]!.replace(/\\(.)/gs, '$1');
    attributes.set(key, [...(attributes.get(key) ?? []), value]);
  }
  return attributes.size > 0 ? attributes : null;
}

const normalFingerprint = (text: string): string => text.replace(/:/g, '').toUpperCase();

/** An account's `certificate` option, checked: `{ subject: 'CN=alice' }` or `{ fingerprint: 'AB:CD:…' }`. */
export function parseCertificateRule(field: string, value: unknown): CertificateRule {
  const o = value as Record<string, unknown>;
  const keys = typeof o === 'object' && o !== null ? Object.keys(o) : [];
  if (keys.length !== 1 || !(keys[0] === 'subject' || keys[0] === 'fingerprint')) {
    throw new TypeError(`${field} must be { subject: 'CN=…' } or { fingerprint: 'AB:CD:…' } (SHA-256), one of the two`);
  }
  if ('subject' in o) {
    if (typeof o.subject !== 'string' || parseName(o.subject) === null) throw new TypeError(`${field}.subject must be a name like 'CN=alice' or 'CN=alice, O=Example', got ${JSON.stringify(o.subject)}`);
    return { subject: o.subject };
  }
  if (typeof o.fingerprint !== 'string' || !/^[0-9A-F]{64}$/.test(normalFingerprint(o.fingerprint))) {
    throw new TypeError(`${field}.fingerprint must be a SHA-256 fingerprint (64 hex digits, colons optional), got ${JSON.stringify(o.fingerprint)}`);
  }
  return { fingerprint: o.fingerprint };
}

/** True when `certificate` is the account's: the same subject attributes (no more, no fewer), or the same fingerprint. */
export function certificateMatches(rule: CertificateRule, certificate: ClientCertificate | null): boolean {
  if (!certificate) return false;
  if ('fingerprint' in rule) return normalFingerprint(rule.fingerprint) === normalFingerprint(certificate.fingerprint);
  const wanted = parseName(rule.subject);
  const got = parseName(certificate.subject);
  if (!wanted || !got || wanted.size !== got.size) return false;
  for (const [key, values] of wanted) if (JSON.stringify(got.get(key)) !== JSON.stringify(values)) return false;
  return true;
}
