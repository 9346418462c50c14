// One contender's transfer in a process of its own: argv is the client (ftppy or
// basic-ftp), the server and the job (jobs.ts), as JSON. Prints {"ms":…,"bytes":…}: the
// time from before connecting to after closing (what curl's time_total and an lftp
// process cover too), not the process's start-up. Uploads from memory send one 1 MiB
// buffer over and over. Our client transfers many files with fetch/batch, limit 10;
// basic-ftp one after the other on its one connection, which is what it offers.
import { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { Basic, FtpPy, borrowsChunks } from '../lib/index.js';
import { fileName, type Job, type ServerAddress } from './jobs.js';

const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);

function fromMemory(size: number): Readable {
  let left = size;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, CHUNK.length);
      left -= n;
      this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    },
  });
}

function discard(count: (n: number) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      count(chunk.length);
      callback();
    },
  });
}

async function ftppy(server: ServerAddress, job: Job): Promise<number> {
  const ftp = new FtpPy(`ftp://${server.host}:${server.port}`, { auth: new Basic(server.user, server.password) });
  const client = await ftp.client();
  let bytes = 0;
  try {
    const fail = (what: string): never => {
      throw new Error(`${what} failed`);
    };
    switch (job.kind) {
      case 'large-down':
        if (job.local === null) {
          const sink = discard((n) => (bytes += n));
          (await client.downloadTo(job.remote, job.borrow ? borrowsChunks(sink) : sink)) || fail('downloadTo');
        }
        else (await client.download(job.remote, job.local)) || fail('download');
        if (job.local !== null) bytes = job.size;
        break;
      case 'large-up':
        (await (job.local === null ? client.uploadFrom(fromMemory(job.size), job.remote) : client.upload(job.local, job.remote))) || fail('upload');
        bytes = job.size;
        break;
      case 'many-down': {
        const pairs = Array.from({ length: job.count }, (_, i) => [`${job.remoteDir}/${fileName(i)}`, join(job.localDir, fileName(i))] as const);
        const results = await client.fetch(pairs, { limit: 10 });
        if (Object.values(results).some((ok) => !ok)) fail('fetch');
        break;
      }
      case 'many-up': {
        const pairs = Array.from({ length: job.count }, (_, i) => [join(job.localDir, fileName(i)), `${job.remoteDir}/${fileName(i)}`] as const);
        const results = await client.batch(pairs, { limit: 10 });
        if (Object.values(results).some((ok) => !ok)) fail('batch');
        break;
      }
    }
  } finally {
    await client.close();
  }
  return bytes;
}

interface BasicFtpClient {
  access(options: { host: string; port: number; user: string; password: string; secure: boolean }): Promise<unknown>;
  downloadTo(destination: Writable | string, remote: string): Promise<unknown>;
  uploadFrom(source: Readable | string, remote: string): Promise<unknown>;
  close(): void;
}

async function basicFtp(server: ServerAddress, job: Job): Promise<number> {
  // bench/'s own package: a computed specifier keeps the root type check from needing it
  const name = 'basic-ftp';
  const { Client } = (await import(name)) as { Client: new (timeout?: number) => BasicFtpClient };
  const client = new Client(60_000);
  let bytes = 0;
  try {
    await client.access({ host: server.host, port: server.port, user: server.user, password: server.password, secure: false });
    switch (job.kind) {
      case 'large-down':
        await client.downloadTo(job.local ?? discard((n) => (bytes += n)), job.remote);
        if (job.local !== null) bytes = job.size;
        break;
      case 'large-up':
        await client.uploadFrom(job.local ?? fromMemory(job.size), job.remote);
        bytes = job.size;
        break;
      case 'many-down':
        for (let i = 0; i < job.count; i++) await client.downloadTo(join(job.localDir, fileName(i)), `${job.remoteDir}/${fileName(i)}`);
        break;
      case 'many-up':
        for (let i = 0; i < job.count; i++) await client.uploadFrom(join(job.localDir, fileName(i)), `${job.remoteDir}/${fileName(i)}`);
        break;
    }
  } finally {
    client.close();
  }
  return bytes;
}

const [clientName, serverJson, jobJson] = process.argv.slice(2) as [string, string, string];
const started = performance.now();
const run = clientName === 'ftppy' ? ftppy : basicFtp;
const bytes = await run(JSON.parse(serverJson) as ServerAddress, JSON.parse(jobJson) as Job);
console.log(JSON.stringify({ ms: performance.now() - started, bytes }));
