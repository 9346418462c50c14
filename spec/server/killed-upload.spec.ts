// A client killed in the middle of an upload (kill -9, issue 12 item 9). Its kernel
// closes the data connection and the control connection at once, and the data
// connection's end then looks like the end of the file: the server must not take the
// cut bytes for the whole upload and rename them over the good file. Real clients
// (Python's ftplib, curl), over plain FTP and FTPS, several times each, since which of
// the two ends the server sees first, and how far apart, varies.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTemporaryUpload } from '../../server/fs/user-fs.js';
import type { TransferEvent } from '../../server/index.js';
import { skipUnless } from '../helpers/external-clients.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { until, within } from '../helpers/wait.js';

const TRIALS = 10;
const GOOD = 'the good version\n';

// Uploads an endless slow stream (64 KiB every 5 ms) and says so on stdout once the
// server has taken the first pieces; the test kills it there. Over TLS it first reads
// what the server sent on the data connection (its TLS 1.3 session tickets): a process
// that dies with unread bytes makes its kernel send RST, which the server already takes
// for a failure, while the case to test is the plain FIN, without close_notify.
const UPLOADER = String.raw`
import ftplib, ssl, sys, time
port, user, password, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
data = None
class Client(ftplib.FTP_TLS if ca else ftplib.FTP):
    def ntransfercmd(self, cmd, rest=None):
        global data
        data, size = super().ntransfercmd(cmd, rest)
        return data, size
f = Client(context=ssl.create_default_context(cafile=ca), timeout=10) if ca else Client(timeout=10)
f.connect('127.0.0.1', port)
f.login(user, password)
if ca:
    f.prot_p()
class Slow:
    sent = 0
    def read(self, n):
        self.sent += 1
        if ca and self.sent == 6:
            data.setblocking(False)
            try:
                data.recv(1)
            except (ssl.SSLWantReadError, BlockingIOError):
                pass
            data.settimeout(10)
        if self.sent == 8:
            print('uploading', flush=True)
        time.sleep(0.005)
        return b'x' * 65536
f.storbinary('STOR /upload/precious.txt', Slow())
`;

interface Uploader {
  child: ChildProcess;
  /** Resolves once the upload is under way. */
  started: Promise<unknown>;
}

function ftplibUploader(t: TestServer, ca: string): Uploader {
  const child = spawn('python3', ['-c', UPLOADER, String(t.port), USER, PASSWORD, ca], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, started: once(child.stdout!, 'data') };
}

// curl -T - reads the upload from its stdin, fed here 64 KiB every 5 ms; it is under way
// once the server's temporary file has bytes in it.
function curlUploader(t: TestServer, ca: string): Uploader {
  const tls = ca ? ['--ssl-reqd', '--cacert', ca] : [];
  const child = spawn('curl', ['-sS', '-u', `${USER}:${PASSWORD}`, ...tls, '-T', '-', `ftp://127.0.0.1:${t.port}/upload/precious.txt`], { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin!.on('error', () => {});
  const feed = setInterval(() => child.stdin!.write(Buffer.alloc(65536, 0x78)), 5);
  child.once('exit', () => clearInterval(feed));
  const dir = join(t.root, 'upload');
  const hasBytes = (): boolean => readdirSync(dir).some((name) => isTemporaryUpload(name) && statSync(join(dir, name)).size > 0);
  return { child, started: until(hasBytes, 'the temporary file to fill', 10_000) };
}

async function killMidUpload(t: TestServer, uploader: Uploader): Promise<TransferEvent> {
  const { child } = uploader;
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit');
  const ended = new Promise<TransferEvent>((resolve) => {
    const onTransfer = (event: TransferEvent): void => {
      if (event.direction !== 'upload') return;
      t.server.off('transfer', onTransfer);
      resolve(event);
    };
    t.server.on('transfer', onTransfer);
  });
  try {
    await within(uploader.started, 'the uploader to start', 10_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; stderr: ${stderr}`);
    });
    child.kill('SIGKILL');
    await exited;
    return await within(ended, 'the server to end the upload', 10_000);
  } finally {
    child.kill('SIGKILL');
  }
}

async function trials(t: TestServer, start: () => Uploader): Promise<void> {
  const target = join(t.root, 'upload/precious.txt');
  writeFileSync(target, GOOD);
  const committed: number[] = [];
  const reportedOk: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const event = await killMidUpload(t, start());
    assert.ok(event.bytes > 0, 'the upload was under way when the client died');
    if (readFileSync(target, 'utf8') !== GOOD) {
      committed.push(trial);
      writeFileSync(target, GOOD);
    }
    if (event.ok) reportedOk.push(trial);
    assert.deepEqual(readdirSync(join(t.root, 'upload')).filter(isTemporaryUpload), [], `trial ${trial}: a temporary file is left`);
  }
  assert.deepEqual(committed, [], `the cut upload replaced the good file in trials ${committed.join(', ')} of ${TRIALS}`);
  assert.deepEqual(reportedOk, [], 'a cut upload was reported as complete');
}

describe('a client killed during an upload (kill -9)', () => {
  const tls = tlsMaterial();
  const ftps = { tls: { cert: tls.cert, key: tls.key, reuse: false } };

  it('ftplib over plain FTP: the good file stays whole every time and no temporary file is left', { timeout: 120_000, skip: skipUnless('python3') }, async () => {
    await using t = await startServer();
    await trials(t, () => ftplibUploader(t, ''));
  });

  it('ftplib over FTPS (PROT P): the same', { timeout: 120_000, skip: skipUnless('python3') }, async () => {
    await using t = await startServer(ftps);
    await trials(t, () => ftplibUploader(t, tls.certPath));
  });

  it('curl -T over plain FTP: the same', { timeout: 120_000, skip: skipUnless('curl') }, async () => {
    await using t = await startServer();
    await trials(t, () => curlUploader(t, ''));
  });

  it('curl -T over FTPS (--ssl-reqd): the same', { timeout: 120_000, skip: skipUnless('curl') }, async () => {
    await using t = await startServer(ftps);
    await trials(t, () => curlUploader(t, tls.certPath));
  });
});
