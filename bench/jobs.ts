// What a benchmark asks of a client process (transfer.child.ts, ftplib-transfer.py,
// curl, lftp): the server and the job.

export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** One file down into a discarding sink (local null) or a file, or up from memory (local null) or a file. */
export interface LargeJob {
  kind: 'large-down' | 'large-up';
  remote: string;
  local: string | null;
  size: number;
  /** Our client's discarding sink is marked borrowsChunks. */
  borrow?: boolean;
}

/** `count` files remoteDir/fNNNNN down into localDir, or up from it. */
export interface ManyJob {
  kind: 'many-down' | 'many-up';
  remoteDir: string;
  localDir: string;
  count: number;
}

export type Job = LargeJob | ManyJob;

export const fileName = (i: number): string => `f${String(i).padStart(5, '0')}`;
