// A self-signed certificate for localhost and 127.0.0.1, made with openssl at test time
// (so CI needs no fixture), once per test process, removed when the process exits.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  certPath: string;
  keyPath: string;
}

let made: TlsMaterial | null = null;

export function tlsMaterial(): TlsMaterial {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'ftppy-tls-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  made = { cert: readFileSync(certPath), key: readFileSync(keyPath), certPath, keyPath };
  return made;
}
