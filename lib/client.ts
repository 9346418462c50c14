// Placeholder: the client (issue 4) replaces this file.
import type { FtpPy } from './ftppy.js';

export interface Client {
  close(): Promise<void>;
}

export async function openClient(_ftp: FtpPy): Promise<Client> {
  throw new Error('not implemented yet');
}
