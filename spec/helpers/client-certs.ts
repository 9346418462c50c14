// Client certificates for the mutual-TLS specs, made with openssl at test time: a CA,
// a client certificate for CN=alice that it signs, and an impostor: a self-signed
// certificate for the same CN=alice that no CA vouches for.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
  certPath: string;
  keyPath: string;
  /** SHA-256 of the certificate, `AB:CD:…`. */
  fingerprint: string;
}

export interface ClientCerts {
  ca: KeyPair;
  alice: KeyPair;
  impostor: KeyPair;
}

let made: ClientCerts | null = null;

export function clientCerts(): ClientCerts {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'ftppy-mtls-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...curve, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=FtpPy test CA');
  openssl('req', ...curve, '-keyout', 'alice.key', '-out', 'alice.csr', '-subj', '/CN=alice');
  openssl('x509', '-req', '-in', 'alice.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'alice.pem', '-days', '2');
  openssl('req', '-x509', ...curve, '-keyout', 'impostor.key', '-out', 'impostor.pem', '-days', '2', '-subj', '/CN=alice');
  const pair = (name: string): KeyPair => {
    const certPath = join(dir, `${name}.pem`);
    const cert = readFileSync(certPath);
    return { cert, key: readFileSync(join(dir, `${name}.key`)), certPath, keyPath: join(dir, `${name}.key`), fingerprint: new X509Certificate(cert).fingerprint256 };
  };
  made = { ca: pair('ca'), alice: pair('alice'), impostor: pair('impostor') };
  return made;
}
