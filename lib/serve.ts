// Placeholder: the server (issue 3) replaces this file.
import type { FtpPy } from './ftppy.js';

export interface ServeOptions {
  root?: string;
}

export interface RunningServer {
  close(): Promise<void>;
}

export async function startServer(_ftp: FtpPy, _options: ServeOptions): Promise<RunningServer> {
  throw new Error('not implemented yet');
}
