// The cluster recipe of the README ("Running several servers"), run for real: three FtpPy
// nodes (separate processes) on one shared root, behind one HAProxy that sends PROXY v2
// on the control port (balanced over the nodes) and on each node's own passive range.
// Clients leave from their own loopback addresses; the nodes must see those, not HAProxy's.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FtpPy } from '../../lib/index.js';
import { Limits, Retry } from '../../lib/config.js';
import { SSL } from '../../lib/settings.js';
import { skipOutsideCi } from '../helpers/ci.js';
import { expectSuccess, installed, python, run } from '../helpers/external-clients.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { parsePrometheus, sampleValue } from '../helpers/prometheus.js';
import { until, within } from '../helpers/wait.js';

const HAPROXY = ['haproxy', '/usr/sbin/haproxy'].find((c) => (c.startsWith('/') ? existsSync(c) : installed(c)));
const tool = HAPROXY ? ['curl', 'lftp', 'python3'].find((c) => !installed(c)) : 'haproxy';
const skip = skipOutsideCi(tool ? `${tool} is not installed` : false);

const USER = 'alice';
const PASSWORD = 'wonderland';
const PASV_SIZE = 10;
const NODE_HOSTS = ['127.0.0.21', '127.0.0.22', '127.0.0.23'];
const PER_ADDRESS = 3;

interface Node {
  host: string;
  port: number;
  /** The node's web port (its /metrics). */
  web: number;
  pasv: { min: number; max: number };
  child: ChildProcess;
  events: Record<string, unknown>[];
  exited: Promise<void>;
}

function bindable(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A run of `size` ports free on 127.0.0.1, below the ephemeral range (as ports.ts). */
async function freeRange(size: number, taken: number[]): Promise<number> {
  for (;;) {
    const start = 20_000 + Math.floor(Math.random() * 1_200) * 10;
    if (taken.some((t) => Math.abs(t - start) < size + 1)) continue;
    let ok = true;
    for (let p = start; p < start + size && ok; p++) ok = await bindable(p);
    if (ok) return start;
  }
}

function startNode(host: string, pasv: { min: number; max: number }, root: string, tls: { cert: string; key: string }): Promise<Node> {
  const config = {
    host, port: 0, root,
    users: [{ name: USER, password: PASSWORD }],
    proxyProtocol: { trusted: ['127.0.0.1'] },
    pasv,
    limits: { perAddress: PER_ADDRESS, loginDelay: 0.05 },
    // Plain FTP and explicit FTPS on the same nodes; FTPS data must resume the control session.
    tls: { requireLogin: false, requireData: false, reuse: true },
    tlsFiles: tls,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/cluster-node.ts'), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events: Record<string, unknown>[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const event = JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>;
        buffered = buffered.slice(nl + 1);
        events.push(event);
        if (event.event === 'listening') resolve({ host, port: event.port as number, web: event.web as number, pasv, child, events, exited });
      }
    });
    void exited.then(() => reject(new Error(`node ${host} exited before listening`)));
  });
}

/**
 * The HAProxy configuration of the README: one frontend for the control port balancing
 * the nodes, one frontend per node for its passive range (forwarded port for port), PROXY
 * v2 to the nodes on both; health checks send a v2 LOCAL header (check-send-proxy).
 */
export function haproxyConfig(controlPort: number, nodes: { host: string; port: number; pasv: { min: number; max: number } }[]): string {
  const lines = [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  retries 2',
    '  option redispatch',
    '',
    '# FTP control: clients are spread over the nodes; each sees the client in the PROXY header.',
    'frontend ftp',
    `  bind 127.0.0.1:${controlPort}`,
    '  default_backend ftp_nodes',
    'backend ftp_nodes',
    '  balance roundrobin',
    ...nodes.map((n, i) => `  server node${i + 1} ${n.host}:${n.port} send-proxy-v2 check check-send-proxy inter 500 fall 1 rise 2`),
  ];
  nodes.forEach((n, i) => {
    lines.push(
      '',
      `# Node ${i + 1}'s passive ports: its own range, to it alone, port for port.`,
      `frontend pasv_node${i + 1}`,
      `  bind 127.0.0.1:${n.pasv.min}-${n.pasv.max}`,
      `  default_backend pasv_node${i + 1}`,
      `backend pasv_node${i + 1}`,
      `  server node${i + 1} ${n.host} send-proxy-v2`,
    );
  });
  return `${lines.join('\n')}\n`;
}

describe('three nodes behind HAProxy (PROXY v2)', { skip, timeout: 60_000 }, () => {
  const root = tempDir('ftppy-cluster-');
  const local = tempDir('ftppy-cluster-local-');
  const nodes: Node[] = [];
  let haproxy: ChildProcess;
  let port: number;
  const material = tlsMaterial();
  const url = (): string => `ftp://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const seenBy = (address: string): Node[] => nodes.filter((n) => n.events.some((e) => e.event === 'session' && e.address === address));

  before(async () => {
    mkdirSync(join(root.dir, 'pub'));
    writeFileSync(join(root.dir, 'pub/hello.txt'), 'hello world\n');
    const taken: number[] = [];
    for (const host of NODE_HOSTS) {
      const min = await freeRange(PASV_SIZE, taken);
      taken.push(min);
      nodes.push(await startNode(host, { min, max: min + PASV_SIZE - 1 }, root.dir, { cert: material.certPath, key: material.keyPath }));
    }
    port = await freeRange(1, taken);
    const config = join(local.dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig(port, nodes));
    haproxy = spawn(HAPROXY!, ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    haproxy.stderr!.on('data', (c: Buffer) => (errors += c.toString()));
    // Ready once a greeting comes through it.
    await until(() => errors.includes('ALERT') || haproxy.exitCode !== null || nodes.every((n) => n.events.some((e) => e.event === 'session')), 'the health checks to reach every node', 15_000);
    assert.equal(haproxy.exitCode, null, `haproxy failed: ${errors}`);
  });

  after(async () => {
    haproxy?.kill('SIGKILL');
    for (const n of nodes) n.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    root.remove();
    local.remove();
  });

  it('the per-address limit counts the client the PROXY header names, not HAProxy', async () => {
    const open: RawFtp[] = [];
    let accepted = 0;
    // Round robin: PER_ADDRESS from 127.0.0.15 fill each node; the rest are refused.
    for (let i = 0; i < nodes.length * (PER_ADDRESS + 1); i++) {
      const ftp = await RawFtp.connect(port, { localAddress: '127.0.0.15' });
      open.push(ftp);
      if (ftp.greeting.code === 220) accepted++;
      else assert.equal(ftp.greeting.code, 421);
    }
    assert.equal(accepted, nodes.length * PER_ADDRESS);
    // Another client is not held back by the first one's connections.
    const other = await RawFtp.connect(port, { localAddress: '127.0.0.16' });
    assert.equal(other.greeting.code, 220);
    open.push(other);
    assert.deepEqual(seenBy('127.0.0.15').map((n) => n.host), NODE_HOSTS, 'every node saw 127.0.0.15');
    for (const ftp of open) ftp.close();
    await Promise.all(open.map((f) => f.closed()));
  });

  for (const tls of [false, true]) {
    const kind = tls ? 'explicit FTPS' : 'plain FTP';
    it(`${kind}: curl, lftp and our client upload, download and list through HAProxy from their own addresses`, async () => {
      const tag = tls ? 'tls' : 'plain';
      mkdirSync(join(root.dir, tag), { recursive: true });
      const file = join(local.dir, `${tag}.txt`);
      writeFileSync(file, `uploaded over ${kind}\n`);

      // curl from 127.0.0.11
      const curlTls = tls ? ['--ssl-reqd', '-k'] : [];
      const curl = async (...args: string[]): Promise<string> =>
        expectSuccess(await run('curl', ['-sS', '--max-time', '20', '--interface', '127.0.0.11', ...curlTls, ...args]), `curl ${args.join(' ')}`);
      await curl('-T', file, `${url()}/${tag}/curl.txt`);
      assert.equal(await curl(`${url()}/${tag}/curl.txt`), `uploaded over ${kind}\n`);
      assert.match(await curl('--list-only', `${url()}/${tag}/`), /curl\.txt/);

      // lftp from 127.0.0.12
      const lftpTls = tls ? 'set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no;' : 'set ftp:ssl-allow no;';
      const lftp = await run('lftp', ['-e', `set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; set net:socket-bind-ipv4 127.0.0.12; ${lftpTls} put ${file} -o /${tag}/lftp.txt; cat /${tag}/lftp.txt; cls -1 /${tag}/; quit`, url()], { cwd: local.dir, timeoutMs: 30_000 });
      const out = expectSuccess(lftp, 'lftp');
      assert.match(out, new RegExp(`uploaded over ${kind}`));
      assert.match(out, /lftp\.txt/);

      // our client from 127.0.0.13
      const ours = new FtpPy(tls ? url().replace(/^ftp:/, 'ftps:') : url(), { localAddress: '127.0.0.13', ...(tls ? { ssl: new SSL({ verify: false }) } : {}) });
      await ours.client(async (client) => {
        assert.equal(await client.upload(file, `/${tag}/ours.txt`), true);
        const back = join(local.dir, `${tag}-back.txt`);
        assert.equal(await client.download(`/${tag}/ours.txt`, back), true);
        assert.equal(readFileSync(back, 'utf8'), `uploaded over ${kind}\n`);
        const names = (await client.list(`/${tag}`))?.map((e) => e.name).sort();
        assert.deepEqual(names, ['curl.txt', 'lftp.txt', 'ours.txt']);
      });
      for (const address of ['127.0.0.11', '127.0.0.12', '127.0.0.13']) assert.ok(seenBy(address).length > 0, `a node saw ${address}`);
      // Nobody but HAProxy's health checks came from HAProxy's own address.
      for (const n of nodes) {
        const fromProxy = n.events.filter((e) => e.event === 'login' && e.address === '127.0.0.1');
        assert.deepEqual(fromProxy, [], `${n.host} logged in a client as HAProxy's address`);
      }
    });
  }

  it('Python ftplib from its own source address', async () => {
    const script = [
      'import ftplib, sys',
      'f = ftplib.FTP()',
      "f.connect('127.0.0.1', int(sys.argv[1]), source_address=('127.0.0.14', 0))",
      `f.login('${USER}', '${PASSWORD}')`,
      "print(''.join(f.nlst('/pub')))",
      "f.retrbinary('RETR /pub/hello.txt', lambda b: sys.stdout.write(b.decode()))",
      'f.quit()',
    ].join('\n');
    const out = expectSuccess(await python(script, [port]), 'ftplib');
    assert.match(out, /hello world/);
    assert.ok(seenBy('127.0.0.14').length > 0);
  });

  it('a node killed in the middle of 200 uploads and downloads: retries finish every file intact on the others', async () => {
    const count = 100;
    const files = Array.from({ length: count }, (_, i) => ({ name: `f${String(i).padStart(3, '0')}.bin`, data: pseudoRandom(32 * 1024 + i, 1000 + i) }));
    mkdirSync(join(local.dir, 'up'));
    mkdirSync(join(root.dir, 'batch'));
    for (const f of files) writeFileSync(join(local.dir, 'up', f.name), f.data);
    const ftp = new FtpPy(url(), { localAddress: '127.0.0.13', retry: new Retry({ total: 6, backoff: 0.2 }), limits: new Limits({ connections: 4 }) });
    const victim = nodes[1]!;
    const uploadsSeen = (): number => nodes.reduce((sum, n) => sum + n.events.filter((e) => e.event === 'transfer' && String(e.path).startsWith('/batch/')).length, 0);
    await ftp.client(async (client) => {
      const uploading = client.batch(files.map((f) => [join(local.dir, 'up', f.name), `/batch/${f.name}`]), { limit: 4 });
      await until(() => uploadsSeen() >= 30, '30 uploads done', 30_000);
      victim.child.kill('SIGKILL');
      const uploaded = await within(uploading, 'the uploads');
      assert.deepEqual(Object.values(uploaded).filter((ok) => !ok), [], 'every upload arrived');
      const fetched = await within(client.fetch(files.map((f) => [`/batch/${f.name}`, join(local.dir, 'down', f.name)]), { limit: 4, dirs: true }), 'the downloads');
      assert.deepEqual(Object.values(fetched).filter((ok) => !ok), [], 'every download arrived');
    });
    await victim.exited;
    for (const f of files) {
      assert.ok(readFileSync(join(root.dir, 'batch', f.name)).equals(f.data), `${f.name} on the server is intact`);
      assert.ok(readFileSync(join(local.dir, 'down', f.name)).equals(f.data), `${f.name} downloaded intact`);
    }
    // Under a target name there is nothing but the whole file; a cut upload's temporary file may stay.
    const others = readdirSync(join(root.dir, 'batch')).filter((name) => !files.some((f) => f.name === name));
    assert.deepEqual(others.filter((name) => !name.startsWith('.ftppy-upload.')), []);
    assert.ok(victim.events.some((e) => e.event === 'transfer' && String(e.path).startsWith('/batch/')), 'the killed node had taken part');
  });

  it("each live node's /metrics is strict Prometheus text whose counters add up to what its events said", async () => {
    for (const node of nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null)) {
      // Not from 127.0.0.1: the nodes take that for HAProxy, whose connections must start with a PROXY header.
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        get({ host: node.host, port: node.web, path: '/metrics', localAddress: '127.0.0.17' }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        }).on('error', reject);
      });
      assert.equal(answer.status, 200);
      const families = parsePrometheus(answer.text);
      const seen = (event: string, test: (e: Record<string, unknown>) => boolean = () => true): number => node.events.filter((e) => e.event === event && test(e)).length;
      assert.ok(seen('session') > 0, `${node.host} served sessions`);
      assert.equal(sampleValue(families, 'ftppy_sessions_total'), seen('session'), `${node.host}: sessions`);
      assert.equal(sampleValue(families, 'ftppy_logins_total', { result: 'ok' }), seen('login'), `${node.host}: logins`);
      for (const direction of ['upload', 'download', 'list']) {
        const done = (e: Record<string, unknown>): boolean => e.direction === direction && e.ok === true;
        assert.equal(sampleValue(families, 'ftppy_transfers_total', { direction }), seen('transfer', done), `${node.host}: ${direction} transfers`);
        const bytes = node.events.filter((e) => e.event === 'transfer' && e.direction === direction).reduce((sum, e) => sum + (e.bytes as number), 0);
        assert.equal(sampleValue(families, 'ftppy_transfer_bytes_total', { direction }), bytes, `${node.host}: ${direction} bytes`);
      }
    }
  });
});
