import { digestStream } from '../../common/hash.js';
import type { CommandGroup } from './types.js';

// HASH (draft-bryan-ftpext-hash-02 §3): `213 SHA-256 0-<size> <hex> <path>`, the
// algorithm chosen with OPTS HASH. The whole file is hashed (no RANG support), which
// on a large file takes a while; the control connection waits for it, as for a transfer.

export const hash: CommandGroup = {
  HASH: {
    access: 'session',
    arg: 'required',
    async run(session, arg) {
      const path = session.resolve(arg);
      const info = await session.fs.stat(path);
      if (info.kind !== 'file') {
        session.reply(550, `${path}: not a plain file`);
        return;
      }
      const { stream } = await session.fs.read(path);
      const abort = (): void => {
        stream.destroy();
      };
      session.lifetime.addEventListener('abort', abort);
      try {
        const digest = await digestStream(stream, session.hashAlgorithm);
        session.reply(213, `${session.hashAlgorithm} 0-${info.size} ${digest} ${path}`);
      } finally {
        session.lifetime.removeEventListener('abort', abort);
        stream.destroy();
      }
    },
  },
};
