// The control connection driven byte by byte: the login state machine, sequencing
// (RNFR → RNTO, REIN), argument checks, the informational commands, and how lines are
// read (split across segments, pipelined, ABOR without its LF as ftplib sends it).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
});
after(() => t.close());

async function loggedIn(): Promise<RawFtp> {
  const ftp = await RawFtp.connect(t.port);
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  return ftp;
}

describe('login state machine', () => {
  it('greets with 220 and admits only login and informational commands before login', async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal(ftp.greeting.code, 220);
    for (const line of ['PWD', 'CWD /pub', 'LIST', 'RETR x', 'PASV', 'MKD x', 'SIZE x', 'TYPE I', 'MLST', 'HASH x']) {
      assert.equal((await ftp.cmd(line)).code, 530, line);
    }
    for (const [line, code] of [['NOOP', 200], ['SYST', 215], ['FEAT', 211], ['HELP', 214], ['STAT', 211], ['OPTS UTF8 ON', 200]] as const) {
      assert.equal((await ftp.cmd(line)).code, code, line);
    }
    assert.equal((await ftp.cmd('QUIT')).code, 221);
    await ftp.closed();
  });

  it('USER → 331 → PASS → 230, and out-of-sequence commands get 503', async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.cmd('PASS x')).code, 503);
    assert.equal((await ftp.cmd('ACCT x')).code, 503);
    assert.equal((await ftp.cmd(`USER ${USER}`)).code, 331);
    assert.equal((await ftp.cmd(`PASS ${PASSWORD}`)).code, 230);
    assert.equal((await ftp.cmd(`USER ${USER}`)).code, 503);
    assert.equal((await ftp.cmd(`PASS ${PASSWORD}`)).code, 503);
    assert.equal((await ftp.cmd('ACCT x')).code, 202);
    assert.equal((await ftp.cmd('HOST example.com')).code, 503);
    ftp.close();
  });

  it('a wrong password gets 530 and the session can try again', async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, 'wrong')).code, 530);
    assert.equal((await ftp.cmd('PWD')).code, 530);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    ftp.close();
  });

  it('anonymous logs in with any password, read-only', async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login('anonymous', 'me@example.com')).code, 230);
    assert.equal((await ftp.cmd('MKD nope')).code, 550);
    assert.equal((await ftp.cmd('DELE pub/hello.txt')).code, 550);
    assert.equal((await ftp.cmd('RNFR pub/hello.txt')).code, 550);
    assert.equal((await ftp.cmd('SIZE pub/hello.txt')).code, 213);
    ftp.close();
  });

  it('REIN returns to the state before USER', async () => {
    const ftp = await loggedIn();
    await ftp.cmd('CWD /pub');
    await ftp.cmd('TYPE I');
    assert.equal((await ftp.cmd('REIN')).code, 220);
    assert.equal((await ftp.cmd('PWD')).code, 530);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    assert.match((await ftp.cmd('PWD')).message, /^"\/" /);
    ftp.close();
  });

  it('HOST before USER is accepted (RFC 7151), a malformed one refused', async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.cmd('HOST ftp.example.com')).code, 220);
    assert.equal((await ftp.cmd('HOST [127.0.0.1]')).code, 220);
    assert.equal((await ftp.cmd('HOST bad_name!')).code, 501);
    assert.equal((await ftp.cmd(`USER ${USER}`)).code, 331);
    assert.equal((await ftp.cmd('HOST ftp.example.com')).code, 503);
    ftp.close();
  });
});

describe('commands and arguments', () => {
  it('unknown commands get 502, missing or extra arguments 501', async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('XYZZY')).code, 502);
    assert.equal((await ftp.cmd('SITE FROB')).code, 502);
    assert.equal((await ftp.cmd('CWD')).code, 501);
    assert.equal((await ftp.cmd('PWD extra')).code, 501);
    assert.equal((await ftp.cmd('REST abc')).code, 501);
    assert.equal((await ftp.cmd('PORT 1,2,3')).code, 501);
    assert.equal((await ftp.cmd('EPRT |3|x|1|')).code, 522);
    assert.equal((await ftp.cmd('MFMT notatime x')).code, 501);
    assert.equal((await ftp.cmd('SITE CHMOD 999 x')).code, 501);
    ftp.close();
  });

  it('TYPE, MODE, STRU and ALLO accept what a file server needs and refuse the rest', async () => {
    const ftp = await loggedIn();
    const codes: [string, number][] = [
      ['TYPE I', 200], ['TYPE A', 200], ['TYPE A N', 200], ['TYPE L 8', 200], ['TYPE E', 504], ['TYPE A T', 504], ['TYPE Q', 501],
      ['MODE S', 200], ['MODE B', 504], ['MODE X', 501],
      ['STRU F', 200], ['STRU R', 504], ['STRU X', 501],
      ['ALLO 1000', 202], ['ALLO x', 501],
    ];
    for (const [line, code] of codes) assert.equal((await ftp.cmd(line)).code, code, line);
    ftp.close();
  });

  it('the X-variants and CDUP move around, never above the root', async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('XCWD /pub/nested')).code, 250);
    assert.match((await ftp.cmd('XPWD')).message, /^"\/pub\/nested"/);
    assert.equal((await ftp.cmd('XCUP')).code, 250);
    assert.match((await ftp.cmd('PWD')).message, /^"\/pub"/);
    assert.equal((await ftp.cmd('CWD ../../../..')).code, 250);
    assert.match((await ftp.cmd('PWD')).message, /^"\/" /);
    assert.equal((await ftp.cmd('CWD pub/hello.txt')).code, 550);
    assert.equal((await ftp.cmd('CWD missing')).code, 550);
    assert.equal((await ftp.cmd('XMKD made')).code, 257);
    assert.equal((await ftp.cmd('XRMD made')).code, 250);
    ftp.close();
  });

  it('MKD answers the new path quoted, doubling quotes in it (RFC 959 appendix II)', async () => {
    const ftp = await loggedIn();
    const r = await ftp.cmd('MKD say "hi"');
    assert.equal(r.code, 257);
    assert.match(r.message, /^"\/say ""hi""" /);
    assert.equal((await ftp.cmd('MKD say "hi"')).code, 550);
    assert.equal((await ftp.cmd('RMD say "hi"')).code, 250);
    ftp.close();
  });

  it('RNFR must be followed at once by RNTO', async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('RNTO x')).code, 503);
    assert.equal((await ftp.cmd('RNFR missing')).code, 550);
    assert.equal((await ftp.cmd('STOU')).code, 425); // (no data connection: just a command in between)
    assert.equal((await ftp.cmd('RNFR pub/lines.txt')).code, 350);
    assert.equal((await ftp.cmd('NOOP')).code, 200);
    assert.equal((await ftp.cmd('RNTO upload/lines.txt')).code, 503);
    assert.equal((await ftp.cmd('RNFR pub/lines.txt')).code, 350);
    assert.equal((await ftp.cmd('RNTO upload/lines.txt')).code, 250);
    assert.ok(existsSync(join(t.root, 'upload/lines.txt')));
    assert.equal((await ftp.cmd('RNFR upload/lines.txt')).code, 350);
    assert.equal((await ftp.cmd('RNTO pub/lines.txt')).code, 250);
    ftp.close();
  });

  it('SIZE, MDTM, MFMT, SITE CHMOD, DELE, RMD', async () => {
    const ftp = await loggedIn();
    assert.deepEqual(await ftp.cmd('SIZE pub/hello.txt'), { code: 213, message: '12', lines: ['12'] });
    assert.equal((await ftp.cmd('SIZE pub')).code, 550);
    assert.equal((await ftp.cmd('MFMT 20200102030405 pub/hello.txt')).message, 'Modify=20200102030405; /pub/hello.txt');
    assert.equal((await ftp.cmd('MDTM pub/hello.txt')).message, '20200102030405');
    assert.equal((await ftp.cmd('SITE CHMOD 600 pub/hello.txt')).code, 200);
    assert.match((await ftp.cmd('MLST pub/hello.txt')).message, /unix\.mode=0600;/);
    assert.equal((await ftp.cmd('SITE CHMOD 644 pub/hello.txt')).code, 200);
    assert.equal((await ftp.cmd('SITE HELP')).code, 214);
    assert.equal((await ftp.cmd('MKD gone')).code, 257);
    assert.equal((await ftp.cmd('DELE gone')).code, 550);
    assert.equal((await ftp.cmd('RMD pub')).code, 550);
    assert.equal((await ftp.cmd('RMD gone')).code, 250);
    assert.equal((await ftp.cmd('DELE nothing-here')).code, 550);
    ftp.close();
  });

  it('MLST gives the facts of one entry, OPTS MLST selects them', async () => {
    const ftp = await loggedIn();
    const r = await ftp.cmd('MLST /pub/data.bin');
    assert.equal(r.code, 250);
    assert.match(r.lines[1]!, /^ type=file;size=1048593;modify=\d{14}(\.\d{3})?;perm=adfrw;unix\.mode=0644;unix\.owner=ftp;unix\.group=ftp; \/pub\/data\.bin$/);
    assert.equal((await ftp.cmd('OPTS MLST size;type;bogus;')).message, 'MLST OPTS type;size;');
    assert.equal((await ftp.cmd('MLST /pub')).lines[1], ' type=dir;size=0; /pub');
    assert.match((await ftp.cmd('FEAT')).message, /MLST type\*;size\*;modify;perm;/);
    ftp.close();
  });

  it('FEAT lists exactly the supported extensions', async () => {
    const ftp = await RawFtp.connect(t.port);
    const r = await ftp.cmd('FEAT');
    assert.deepEqual(r.lines, [
      'Features:', ' EPRT', ' EPSV', ' HASH SHA-256*;SHA-1;MD5;CRC32', ' HOST', ' MDTM', ' MFMT',
      ' MLST type*;size*;modify*;perm*;unix.mode*;unix.owner*;unix.group*;',
      ' REST STREAM', ' SIZE', ' TVFS', ' UTF8', 'End',
    ]);
    ftp.close();
  });

  it('HASH with each algorithm, OPTS HASH choosing it', async () => {
    const ftp = await loggedIn();
    const expected: Record<string, string> = {
      'SHA-256': 'a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447',
      'SHA-1': '22596363b3de40b06f981fb85d82312e8c0ed511',
      MD5: '6f5902ac237024bdd0c176cb93063dc4',
      CRC32: 'af083b2d',
    };
    for (const [algorithm, digest] of Object.entries(expected)) {
      assert.equal((await ftp.cmd(`OPTS HASH ${algorithm.toLowerCase()}`)).message, algorithm);
      assert.equal((await ftp.cmd('HASH pub/hello.txt')).message, `${algorithm} 0-12 ${digest} /pub/hello.txt`);
    }
    assert.equal((await ftp.cmd('OPTS HASH')).message, 'CRC32');
    assert.equal((await ftp.cmd('OPTS HASH SHA-512')).code, 501);
    assert.equal((await ftp.cmd('HASH pub')).code, 550);
    assert.equal((await ftp.cmd('HASH missing')).code, 550);
    ftp.close();
  });

  it('STAT without argument tells the session state; STAT <path> lists over the control connection', async () => {
    const ftp = await loggedIn();
    const status = await ftp.cmd('STAT');
    assert.equal(status.code, 211);
    assert.ok(status.lines.some((l) => l.includes(`Logged in as ${USER}`)));
    const listing = await ftp.cmd('STAT /pub/nested');
    assert.equal(listing.code, 213);
    assert.match(listing.lines[1]!, /^ drwxr-xr-x +1 ftp +ftp +0 \w{3} [ \d]\d .+ deeper$/);
    assert.equal((await ftp.cmd('STAT /missing')).code, 550);
    ftp.close();
  });

  it('HELP lists the commands and answers for one', async () => {
    const ftp = await RawFtp.connect(t.port);
    const all = await ftp.cmd('HELP');
    assert.ok(all.message.includes('RETR') && all.message.includes('XPWD'));
    assert.equal((await ftp.cmd('HELP mlsd')).code, 214);
    assert.equal((await ftp.cmd('HELP FROB')).code, 502);
    ftp.close();
  });
});

describe('reading the control connection', () => {
  it('takes a command split across segments as one command', async () => {
    const ftp = await RawFtp.connect(t.port);
    for (const byte of Buffer.from(`USER ${USER}\r\n`)) {
      ftp.send(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await ftp.reply()).code, 331);
    ftp.close();
  });

  it('answers pipelined commands in order', async () => {
    const ftp = await RawFtp.connect(t.port);
    ftp.send(`USER ${USER}\r\nPASS ${PASSWORD}\r\nCWD pub\r\nPWD\r\nNOOP\nSYST\r\n`);
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await ftp.reply()).code);
    assert.deepEqual(codes, [331, 230, 250, 257, 200, 215]);
    ftp.close();
  });

  it('answers ABOR sent the way ftplib does (the LF went out as urgent data and is lost)', async () => {
    const ftp = await loggedIn();
    ftp.send('ABOR\r');
    assert.equal((await ftp.reply()).code, 225);
    ftp.send('\nNOOP\r\n'); // the LF arriving late after all belongs to the CR
    assert.equal((await ftp.reply()).code, 200);
    ftp.close();
  });

  it('answers ABOR after a Telnet IP and a Synch whose DM was lost (as lftp sends it)', async () => {
    const ftp = await loggedIn();
    ftp.send(Buffer.concat([Buffer.from([0xff, 0xf4, 0xff]), Buffer.from('ABOR\r\n')]));
    assert.equal((await ftp.reply()).code, 225);
    ftp.close();
  });

  it('reads paths with spaces, leading spaces and UTF-8 as they are', async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('SIZE pub/name with spaces.txt')).message, '7');
    assert.equal((await ftp.cmd('SIZE pub/unicode-été-名前.txt')).message, '8');
    assert.equal((await ftp.cmd('MKD  leading')).code, 257);
    assert.ok(existsSync(join(t.root, ' leading')));
    assert.equal((await ftp.cmd('RMD  leading')).code, 250);
    ftp.close();
  });
});
