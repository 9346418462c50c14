import type { SSL } from './settings.js';

// Internal: kept out of lib/settings.ts, which is the public `ftppy/settings` entry point.

/** Key material as Node's `tls` takes it: file paths read, PEM text and Buffers passed as they are. */
export interface TlsMaterial {
  cert?: Buffer;
  key?: Buffer;
  ca?: Buffer;
  ciphers?: string;
  rejectUnauthorized: boolean;
}

export async function loadTlsMaterial(ssl: SSL): Promise<TlsMaterial> {
  const { readFile } = await import('node:fs/promises');
  const load = async (field: string, value: string | Buffer | undefined): Promise<Buffer | undefined> => {
    if (value === undefined || Buffer.isBuffer(value)) return value;
    if (value.includes('-----BEGIN')) return Buffer.from(value);
    try {
      return await readFile(value);
    } catch (error) {
      throw new TypeError(`${field}: cannot read ${value}: ${(error as Error).message}`, { cause: error });
    }
  };
  const material: TlsMaterial = { rejectUnauthorized: ssl.verify };
  const [cert, key, ca] = await Promise.all([
    load('SSL.cert', ssl.cert),
    load('SSL.key', ssl.key),
    load('SSL.bundle', ssl.bundle),
  ]);
  if (cert) material.cert = cert;
  if (key) material.key = key;
  if (ca) material.ca = ca;
  if (ssl.ciphers) material.ciphers = ssl.ciphers;
  return material;
}
