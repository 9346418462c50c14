// A plain data connection reads into buffers of ours (protocol/direct-reads.ts) and lends
// them to a sink marked done at callback (our file writer, or a stream of the caller's marked
// with `borrowsChunks`), reading into one again only once that write has
// called back. A buffer reused too early corrupts the file without any error, so these
// specs check every byte: a sink that reads its chunk as late as the contract allows (at
// its callback, after a random delay, behind a queue of others: a slow disk), a sink of
// the caller's that keeps the chunks it is given, and whole downloads and uploads through
// our client and server, plain and TLS.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Throttle, TokenBucket } from '../../common/throttle.js';
import { receive } from '../../protocol/data-flow.js';
import { READ_SIZE } from '../../common/read-buffers.js';
import { DirectReads, directReadsOf, readDirectly } from '../../protocol/direct-reads.js';
import { pump } from '../../common/pump.js';
import { LENT_MAX } from '../../common/lent-chunks.js';
import { PhaseTimer } from '../../protocol/phase-timer.js';
import { Basic, FtpPy, SSL, borrowsChunks } from '../../lib/index.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { readAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const limits = { read: 10, write: 10 };
const data24 = pseudoRandom(24 * 1024 * 1024 + 333, 14);

/** A server that sends `data` to each connection in pieces of odd sizes, then closes it. */
async function sender(data: Buffer): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    let at = 0;
    const more = (): void => {
      while (at < data.length) {
        const n = Math.min(data.length - at, 1000 + ((at * 7919) % 300_000));
        const ok = socket.write(data.subarray(at, at + n));
        at += n;
        if (!ok) return void socket.once('drain', more);
      }
      socket.end();
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

function directSocket(port: number): Promise<Socket> {
  const direct = new DirectReads();
  const socket = connect({ host: '127.0.0.1', port, onread: direct.onread() });
  direct.bind(socket);
  return new Promise((resolve, reject) => socket.once('connect', () => resolve(socket)).once('error', reject));
}

/**
 * A slow sink that copies each chunk only when it calls back: what a lent buffer holds at
 * that moment is what counts. Marked done at callback (borrowsChunks), as a caller would.
 */
class LateReader extends Writable {
  readonly parts: Buffer[] = [];
  lentViews = 0;
  /** The read buffers behind the chunks, each once: few, when they go round. */
  readonly memories = new Set<ArrayBufferLike>();
  #n = 0;

  constructor() {
    super();
    borrowsChunks(this);
  }

  /** Writes given and not yet called back (the Writable's queue included), at most. */
  maxOutstanding = 0;
  #outstanding = 0;

  override write(chunk: Buffer, callback?: (error?: Error | null) => void): boolean;
  override write(chunk: Buffer, encoding: BufferEncoding, callback?: (error?: Error | null) => void): boolean;
  override write(chunk: Buffer, ...rest: unknown[]): boolean {
    this.maxOutstanding = Math.max(this.maxOutstanding, ++this.#outstanding);
    const callback = rest.find((r) => typeof r === 'function') as ((error?: Error | null) => void) | undefined;
    return super.write(chunk, (error) => {
      this.#outstanding--;
      callback?.(error);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (chunk.buffer.byteLength === READ_SIZE) this.lentViews++;
    this.memories.add(chunk.buffer);
    const later = (): void => {
      this.parts.push(Buffer.from(chunk));
      callback();
    };
    // Some at once, some after the next turn, some after a timer: reads keep coming meanwhile.
    const n = this.#n++ % 3;
    if (n === 0) later();
    else if (n === 1) setImmediate(later);
    else setTimeout(later, 1);
  }
}

/** The memory behind `chunks`: each backing buffer once. */
const held = (chunks: Buffer[]): number => [...new Set(chunks.map((c) => c.buffer))].reduce((sum, b) => sum + b.byteLength, 0);

/** A caller's sink: keeps the very chunks it is given, reads them only at the end. */
class Keeper extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    setImmediate(callback);
  }
}

describe('direct reads on a plain data connection', () => {
  const data = data24;
  let port: number;
  let server: Server;
  before(async () => ({ port, server } = await sender(data)));
  after(() => server.close());

  it('lends its buffers to a sink done at callback, and reuses none before the callback', { timeout: 60_000 }, async () => {
    const socket = await directSocket(port);
    const sink = new LateReader();
    let counted = 0;
    await receive(socket, sink, new PhaseTimer(() => {}), limits, (n) => (counted += n));
    await new Promise<void>((resolve) => sink.end(resolve));
    assert.ok(sink.lentViews > 0, 'the sink was lent views of the read buffers, not copies');
    assert.equal(counted, data.length);
    assert.ok(Buffer.concat(sink.parts).equals(data), 'every byte as sent');
  });

  it('does the same under a rate limit (pauses for the limit and for the lent buffers together)', { timeout: 60_000 }, async () => {
    const small = data.subarray(0, 3 * 1024 * 1024 + 5);
    const { port: p, server: s } = await sender(small);
    try {
      const socket = await directSocket(p);
      const sink = new LateReader();
      await receive(socket, sink, new PhaseTimer(() => {}), limits, () => {}, Throttle.of(new TokenBucket(8 * 1024 * 1024)));
      await new Promise<void>((resolve) => sink.end(resolve));
      assert.ok(Buffer.concat(sink.parts).equals(small));
    } finally {
      s.close();
    }
  });

  it('gives a sink of the caller\'s copies it may keep', { timeout: 60_000 }, async () => {
    const socket = await directSocket(port);
    const sink = new Keeper();
    await receive(socket, sink, new PhaseTimer(() => {}), limits, () => {});
    assert.ok(Buffer.concat(sink.chunks).equals(data), 'the kept chunks still hold what was sent');
    assert.ok(sink.chunks.some((c) => c.buffer.byteLength === READ_SIZE), 'long reads were handed over, not copied');
    assert.ok(held(sink.chunks) <= 2 * data.length + 64 * 1024, `the kept chunks hold ${held(sink.chunks)} bytes of memory for ${data.length}`);
  });

  it('copies short reads for a sink that keeps them: it never holds a whole read buffer for a few bytes', { timeout: 60_000 }, async () => {
    const drip = data.subarray(0, 2 * 1024 * 1024);
    const server = createServer((socket) => {
      socket.on('error', () => {});
      let at = 0;
      const more = (): void => {
        if (at >= drip.length) return void socket.end();
        socket.write(drip.subarray(at, (at += 3000)));
        setImmediate(more);
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = await directSocket((server.address() as AddressInfo).port);
      const sink = new Keeper();
      await receive(socket, sink, new PhaseTimer(() => {}), limits, () => {});
      assert.ok(Buffer.concat(sink.chunks).equals(drip));
      assert.ok(held(sink.chunks) <= 2 * drip.length + 64 * 1024, `the kept chunks hold ${held(sink.chunks)} bytes of memory for ${drip.length}`);
    } finally {
      server.close();
    }
  });

  it('keeps what came before anyone listened, even the end', { timeout: 20_000 }, async () => {
    const small = pseudoRandom(100_000, 3);
    const { port: p, server: s } = await sender(small);
    try {
      const socket = await directSocket(p);
      await new Promise((resolve) => socket.once('end', resolve)); // all of it, and the FIN, before receive()
      const sink = new LateReader();
      await receive(socket, sink, new PhaseTimer(() => {}), limits, () => {});
      await new Promise<void>((resolve) => sink.end(resolve));
      assert.ok(Buffer.concat(sink.parts).equals(small));
    } finally {
      s.close();
    }
  });
});

/** One connection accepted by a paused server (as a passive port is), and the client's end of it; disposing closes both. */
async function acceptedPair(): Promise<{ accepted: Socket; client: Socket } & Disposable> {
  const server = createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  client.on('error', () => {});
  return {
    accepted: await accepted,
    client,
    [Symbol.dispose]: () => {
      client.destroy();
      server.close();
    },
  };
}

/** Writes `data` to `socket` in pieces of odd sizes, a few at a time, then ends it. */
async function sendInPieces(socket: Socket, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length; ) {
    const n = Math.min(data.length - at, 5000 + ((at * 31) % 400_000));
    if (!socket.write(data.subarray(at, (at += n)))) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
}

describe('readDirectly: an accepted socket moved to reads into buffers of ours', () => {
  it('delivers every byte to pump, lent to a sink done at callback, and the moved socket closes at the end', { timeout: 60_000 }, async () => {
    using pair = await acceptedPair();
    const { accepted, client } = pair;
    const errors: Error[] = [];
    accepted.on('error', (error) => errors.push(error));
    const moved = readDirectly(accepted);
    assert.notEqual(moved, accepted, 'a new socket holds the connection');
    assert.equal(accepted.destroyed, true, 'the old object is done with');
    const reads = directReadsOf(moved);
    assert.ok(reads, 'it reads into buffers of ours');
    assert.equal(moved.listenerCount('error'), 1, 'the error listeners came along');
    const sink = new LateReader();
    const sent = sendInPieces(client, data24);
    await pump(moved, sink, { reads, sinkDoneAtCallback: true });
    await sent;
    assert.ok(Buffer.concat(sink.parts).equals(data24), 'every byte, in order');
    assert.ok(sink.lentViews > 0 && sink.memories.size <= 16, `${sink.memories.size} buffers behind ${sink.parts.length} chunks`);
    // Held by the count of lent reads, not by the sink's mark (below one read): several wait at once, never more than LENT_MAX.
    assert.ok(sink.maxOutstanding >= 2 && sink.maxOutstanding <= LENT_MAX, `${sink.maxOutstanding} writes waited at once`);
    // Not half open, as the passive port's sockets: the end read ends the socket too.
    if (!moved.closed) await new Promise((resolve) => moved.once('close', resolve));
    assert.deepEqual(errors, []);
  });

  it('gives a sink that may keep its chunks buffers of its own, and keeps what came with the end before anyone listened', { timeout: 30_000 }, async () => {
    using pair = await acceptedPair();
    const { accepted, client } = pair;
    const small = data24.subarray(0, 700_000);
    await sendInPieces(client, small);
    const moved = readDirectly(accepted);
    // Read to the end before pump listens: all of it waits in the direct reads.
    await new Promise((resolve) => moved.once('end', resolve).resume());
    assert.equal(directReadsOf(moved)?.early, true);
    const kept = new Keeper();
    await pump(moved, kept, { reads: directReadsOf(moved) ?? null });
    assert.ok(Buffer.concat(kept.chunks).equals(small));
    assert.ok(held(kept.chunks) <= 2 * small.length + 64 * 1024, `the kept chunks hold ${held(kept.chunks)} bytes for ${small.length}`);
  });

  it('an empty upload: the end alone', { timeout: 20_000 }, async () => {
    using pair = await acceptedPair();
    const { accepted, client } = pair;
    client.end();
    const moved = readDirectly(accepted);
    const sink = new LateReader();
    await pump(moved, sink, { reads: directReadsOf(moved) ?? null, sinkDoneAtCallback: true });
    assert.equal(sink.parts.length, 0);
  });

  it('sends as any socket does (a RETR or a listing on a passive connection)', { timeout: 30_000 }, async () => {
    using pair = await acceptedPair();
    const { accepted, client } = pair;
    const moved = readDirectly(accepted);
    const got = readAll(client);
    const payload = data24.subarray(0, 5 * 1024 * 1024);
    await sendInPieces(moved, payload);
    assert.ok((await got).equals(payload));
  });

  it('many connections at once, in small pieces: their first reads share one buffer, and each gets its own bytes', { timeout: 60_000 }, async () => {
    const pairs = await Promise.all(Array.from({ length: 40 }, () => acceptedPair()));
    try {
      const results = await Promise.all(pairs.map(async ({ accepted, client }, i) => {
        const mine = pseudoRandom(40_000 + i * 997, 100 + i);
        const moved = readDirectly(accepted);
        const sink = new LateReader();
        const done = pump(moved, sink, { reads: directReadsOf(moved) ?? null, sinkDoneAtCallback: true });
        for (let at = 0; at < mine.length; ) {
          client.write(mine.subarray(at, (at += 1000 + ((at * 7) % 2000))));
          await new Promise((resolve) => setImmediate(resolve)); // the others' pieces come between
        }
        client.end();
        await done;
        return Buffer.concat(sink.parts).equals(mine);
      }));
      assert.equal(results.filter((ok) => !ok).length, 0, 'connections that got bytes not theirs');
    } finally {
      for (const pair of pairs) pair[Symbol.dispose]();
    }
  });

  it('leaves a socket alone once something has read from it', { timeout: 20_000 }, async () => {
    using pair = await acceptedPair();
    const { accepted, client } = pair;
    client.write('early');
    const first = await new Promise<Buffer>((resolve) => accepted.once('data', resolve).resume());
    assert.equal(first.toString(), 'early');
    assert.equal(readDirectly(accepted), accepted, 'flowing: not moved');
    assert.equal(directReadsOf(accepted), undefined);
  });
});

describe('large transfers through our client and server, byte for byte', () => {
  const big = pseudoRandom(20 * 1024 * 1024 + 4097, 41);
  const servers = new Map<'plain' | 'tls', TestServer>();
  const local = tempDir('ftppy-direct-');
  before(async () => {
    const { cert, key } = tlsMaterial();
    for (const mode of ['plain', 'tls'] as const) {
      const server = await startServer(mode === 'plain' ? {} : { tls: { cert, key } });
      writeFileSync(join(server.root, 'pub/big.bin'), big);
      servers.set(mode, server);
    }
    writeFileSync(join(local.dir, 'source.bin'), big);
  });
  after(async () => {
    for (const server of servers.values()) await server.close();
    local.remove();
  });
  const ftp = (mode: 'plain' | 'tls'): FtpPy =>
    new FtpPy(`${mode === 'plain' ? 'ftp' : 'ftps'}://127.0.0.1:${servers.get(mode)!.port}`, {
      auth: new Basic(USER, PASSWORD),
      ...(mode === 'tls' ? { ssl: new SSL({ bundle: tlsMaterial().certPath }) } : {}),
    });

  for (const mode of ['plain', 'tls'] as const) {
    it(`${mode}: download to a file, to a caller's stream, and upload from a file`, { timeout: 60_000 }, async () => {
      await ftp(mode).client(async (client) => {
        const down = join(local.dir, `down-${mode}.bin`);
        assert.equal(await client.download('/pub/big.bin', down), true);
        assert.ok(readFileSync(down).equals(big), 'the downloaded file');
        const kept = new Keeper();
        assert.equal(await client.downloadTo('/pub/big.bin', kept), true);
        assert.ok(Buffer.concat(kept.chunks).equals(big), 'the chunks a caller\'s stream kept');
        // A stream marked done at callback is lent the read buffers (plain only: TLS reads through its own wrap).
        const borrowing = new LateReader();
        assert.equal(await client.downloadTo('/pub/big.bin', borrowing), true);
        assert.ok(Buffer.concat(borrowing.parts).equals(big), 'what a borrowing stream copied at each callback');
        if (mode === 'plain') {
          assert.ok(borrowing.lentViews > 0 && borrowing.memories.size <= 16, `${borrowing.memories.size} buffers behind ${borrowing.parts.length} chunks: lent ones go round`);
        }
        assert.equal(await client.upload(join(local.dir, 'source.bin'), `/upload/up-${mode}.bin`), true);
        assert.ok(readFileSync(join(servers.get(mode)!.root, `upload/up-${mode}.bin`)).equals(big), 'the uploaded file');
      });
    });
  }
});
