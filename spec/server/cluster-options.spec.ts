// What one node of a fleet needs: a passive address given as a host name (resolved when
// the server starts), `ftppy serve --pasv-address` and `--proxy-trusted`, and a client
// that leaves from a chosen local address (`localAddress`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FtpPy } from '../../lib/index.js';
import { parseArgs } from '../../lib/cli/args.js';
import { serve, serveConfig } from '../../lib/cli/serve.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';

const T = { timeout: 20_000 };

describe('pasv.address as a host name', () => {
  it('is resolved (IPv4) when the server starts, and PASV names the address', T, async () => {
    await using t = await startServer({ pasv: { address: 'localhost' } });
    assert.equal(t.server.options.pasv.address, '127.0.0.1');
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    assert.match((await ftp.cmd('PASV')).message, /\(127,0,0,1,\d+,\d+\)/);
    ftp.close();
  });

  it('a name that does not resolve fails the start, naming pasv.address', T, async () => {
    await assert.rejects(startServer({ pasv: { address: 'no-such-host.invalid' } }), /pasv\.address/);
    await assert.rejects(startServer({ pasv: { address: 'bad name!' } }), /pasv\.address/);
  });
});

describe('ftppy serve flags for a fleet', () => {
  const config = (argv: string[]) => serveConfig(parseArgs(argv, serve.options));

  it('--pasv-address and --proxy-trusted reach the server options', () => {
    const { options } = config(['--pasv', '50000-50010', '--pasv-address', 'ftp.example.com', '--proxy-trusted', '127.0.0.1,10.0.0.0/8']);
    assert.deepEqual(options.pasv, { min: 50000, max: 50010, address: 'ftp.example.com' });
    assert.deepEqual(options.proxyProtocol, { trusted: ['127.0.0.1', '10.0.0.0/8'] });
    assert.match(serve.help, /--pasv-address HOST/);
    assert.match(serve.help, /--proxy-trusted LIST/);
  });

  it('ftp.server() passes proxyProtocol on to the server', T, async () => {
    await using server = await new FtpPy('ftp://127.0.0.1:0').server({ root: '.', proxyProtocol: { trusted: ['127.0.0.1'] }, web: false });
    assert.equal(server.options.proxyProtocol?.trusted[0]?.text, '127.0.0.1');
    await assert.rejects(new FtpPy('ftp://127.0.0.1:0').server({ root: '.', proxyProtocol: { trusted: ['nope'] }, web: false }), /proxyProtocol\.trusted\[0\]/);
  });

  it('--pasv-address alone keeps the system-picked ports', () => {
    assert.deepEqual(config(['--pasv-address', '192.0.2.1']).options.pasv, { address: '192.0.2.1' });
  });
});

describe('client localAddress', () => {
  it('control and data connections leave from the address given', T, async () => {
    await using t = await startServer();
    const seen: string[] = [];
    t.server.on('session', (e) => seen.push(e.address));
    const ftp = new FtpPy(`ftp://${USER}:${PASSWORD}@127.0.0.1:${t.port}`, { localAddress: '127.0.0.13' });
    await using client = await ftp.client();
    // A passive data connection from another address than the control's would be refused (425).
    const names = (await client.list('pub'))?.map((e) => e.name) ?? [];
    assert.ok(names.includes('hello.txt'), names.join(', '));
    assert.deepEqual(seen, ['127.0.0.13']);
    assert.throws(() => new FtpPy('ftp://localhost', { localAddress: 'nowhere' }), /localAddress/);
  });
});
