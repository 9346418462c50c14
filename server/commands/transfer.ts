import { transferThrottle } from '../account-policy.js';
import { FileSystemError, toFileSystemError } from '../fs/errors.js';
import type { UploadMode } from '../fs/user-fs.js';
import { doneAtCallback } from '../../common/lent-chunks.js';
import { pump } from '../../common/pump.js';
import { directReadsOf } from '../../protocol/direct-reads.js';
import { pacedDownload } from '../../common/throttle.js';
import { asciiDecoder, asciiEncoder } from '../streams.js';
import { dataReady, runDataTransfer } from '../transfer.js';
import type { CommandContext } from './context.js';
import type { CommandGroup } from './types.js';

// File transfers (RFC 959 §4.1.3, REST STREAM of RFC 3659 §5). Uploads without REST go
// to a temporary file that replaces the target only once every byte has arrived;
// REST + STOR and APPE write in place, which is what resuming means.

const typeName = (session: CommandContext): string => (session.type === 'A' ? 'ASCII' : 'BINARY');

async function retrieve(session: CommandContext, arg: string): Promise<void> {
  const offset = session.takeRestart();
  if (!dataReady(session)) return;
  const path = session.resolve(arg);
  const { stream, info } = await session.fs.read(path, offset);
  const ascii = session.type === 'A' ? asciiEncoder() : null;
  const announced = info.size - offset;
  let read = 0;
  await runDataTransfer(session, {
    verb: 'RETR',
    path,
    direction: 'download',
    opening: `Opening ${typeName(session)} mode data connection for ${path} (${announced} bytes)`,
    async run(socket, signal, count) {
      await pump(pacedDownload(stream, transferThrottle(session.account?.rate, 'download'), signal), socket, {
        signal,
        sinkDoneAtCallback: true,
        onChunk: (chunk) => {
          read += chunk.length;
          const out = ascii ? ascii.push(chunk) : chunk;
          count(out.length);
          return out;
        },
      });
      // Stream mode ends a file with the connection, so a client cannot tell a file cut
      // short (truncated while it was read) from a whole one: the reply must (451).
      if (read < announced) throw new FileSystemError('EIO', path, `${path} shrank while it was sent: ${read} of the ${announced} bytes announced`);
    },
    discard: () => {
      stream.destroy();
    },
  });
}

async function store(session: CommandContext, verb: string, arg: string, mode: UploadMode): Promise<void> {
  if (!dataReady(session)) return;
  const path = session.resolve(arg === '' ? '.' : arg);
  const upload = await session.fs.upload(path, mode);
  const ascii = session.type === 'A' ? asciiDecoder() : null;
  // A failure of the file (a full disk) is the storage's, told as such (452), not as a
  // lost connection (426), which clients retry as if it were temporary. The stream keeps
  // it (`errored`); this listener only keeps an error before the transfer from crashing.
  upload.stream.on('error', () => {});
  await runDataTransfer(session, {
    verb,
    path: upload.path,
    direction: 'upload',
    // RFC 1123 §4.1.2.9: STOU names the file it picked in the 150 reply.
    opening: mode.unique ? `FILE: ${upload.path}` : `Opening ${typeName(session)} mode data connection for ${upload.path}`,
    run: (socket, signal, count) =>
      pump(socket, upload.stream, {
        signal,
        throttle: transferThrottle(session.account?.rate, 'upload'),
        // A plain connection reads into buffers of ours, lent to our file writer (readDirectly).
        reads: directReadsOf(socket) ?? null,
        sinkDoneAtCallback: doneAtCallback(upload.stream),
        onChunk: (chunk) => {
          count(chunk.length);
          return ascii ? ascii.push(chunk) : chunk;
        },
        onEnd: () => ascii?.end() ?? null,
        waitForClose: true,
      }).catch((error: unknown) => {
        const failure = upload.stream.errored;
        throw failure ? toFileSystemError(failure, upload.path) : error;
      }),
    commit: () => upload.commit(),
    discard: async () => {
      upload.stream.destroy();
      await upload.discard();
    },
    done: mode.unique ? `Transfer complete: stored as ${upload.path}` : 'Transfer complete',
  });
}

export const transfer: CommandGroup = {
  RETR: { access: 'session', arg: 'required', run: retrieve },
  STOR: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      const start = session.takeRestart();
      return store(session, 'STOR', arg, start > 0 ? { start } : {});
    },
  },
  APPE: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      session.takeRestart();
      return store(session, 'APPE', arg, { append: true });
    },
  },
  STOU: {
    access: 'session',
    arg: 'optional',
    run(session, arg) {
      session.takeRestart();
      return store(session, 'STOU', arg, { unique: true });
    },
  },
  REST: {
    access: 'session',
    arg: 'required',
    run(session, arg) {
      const offset = Number(arg.trim());
      if (!/^\d+$/.test(arg.trim()) || !Number.isSafeInteger(offset)) {
        session.reply(501, 'REST takes a byte offset');
        return;
      }
      session.setRestart(offset);
      session.reply(350, `Restarting at ${offset}: send RETR or STOR`);
    },
  },
  ABOR: {
    access: 'any',
    arg: 'none',
    async run(session) {
      const running = session.transfer;
      if (running) {
        await running.abort(); // the transfer answers 426 first
        session.reply(226, 'ABOR successful');
        return;
      }
      session.setData(null);
      session.reply(225, 'No transfer to abort');
    },
  },
};
