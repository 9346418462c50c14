import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passiveTarget } from '../../protocol/data-channel.js';
import { parseFeatures } from '../../protocol/features.js';
import { mlstFactsToAsk } from '../../protocol/login.js';
import { ReplyParser } from '../../protocol/reply.js';
import { modeText } from '../../lib/client/files.js';
import { parsePwdReply, resolveRemote } from '../../lib/client/remote-path.js';

const feat = (text: string) => parseFeatures(new ReplyParser().push(Buffer.from(text))[0]!);

describe('FEAT replies (RFC 2389)', () => {
  const captures: [string, string, string[], Record<string, boolean>][] = [
    [
      'vsftpd 3.0.3',
      '211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n',
      ['EPRT', 'EPSV', 'MDTM', 'PASV', 'REST', 'SIZE', 'TVFS'],
      { utf8: false, mlst: false, epsv: true, mfmt: false, restStream: true, size: true, hash: false },
    ],
    [
      'pyftpdlib 1.5.7',
      '211-Features supported:\r\n EPRT\r\n EPSV\r\n MDTM\r\n MFMT\r\n MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End FEAT.\r\n',
      ['EPRT', 'EPSV', 'MDTM', 'MFMT', 'MLST', 'REST', 'SIZE', 'TVFS', 'UTF8'],
      { utf8: true, mlst: true, epsv: true, mfmt: true, restStream: true, size: true, hash: false },
    ],
    [
      'features without the leading space, lower case, HASH',
      '211-Extensions supported\r\nutf8\r\nHASH SHA-256*;SHA-1;MD5;\r\nrest\r\n211 END\r\n',
      ['UTF8', 'HASH', 'REST'],
      { utf8: true, mlst: false, epsv: false, mfmt: false, restStream: false, size: false, hash: true },
    ],
    ['FEAT not understood', '500 Unknown command.\r\n', [], { utf8: false, mlst: false, epsv: false, restStream: false }],
    ['a single-line 211', '211 No features\r\n', [], { utf8: false, mlst: false }],
  ];
  for (const [what, text, names, flags] of captures) {
    it(what, () => {
      const features = feat(text);
      assert.deepEqual(features.names, names);
      for (const [flag, expected] of Object.entries(flags)) assert.equal(features[flag as 'utf8'], expected, flag);
    });
  }

  it('keeps parameters, and reads which MLST facts are offered and which are on', () => {
    const features = feat('211-Features:\r\n MLST type*;size*;modify*;UNIX.mode;perm;\r\n HASH SHA-256*;MD5\r\n211 End\r\n');
    assert.equal(features.params('hash'), 'SHA-256*;MD5');
    assert.deepEqual(features.mlstFacts, { offered: ['type', 'size', 'modify', 'unix.mode', 'perm'], enabled: ['type', 'size', 'modify'] });
    assert.deepEqual(features.toJSON(), { MLST: 'type*;size*;modify*;UNIX.mode;perm;', HASH: 'SHA-256*;MD5' });
  });

  it('asks for the MLST facts an entry needs only when some are off', () => {
    assert.equal(mlstFactsToAsk(feat('211-F\r\n MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;\r\n211 E\r\n')), 'type;size;modify;unix.mode;unix.uid;unix.gid;');
    assert.equal(mlstFactsToAsk(feat('211-F\r\n MLST type*;size*;modify*;UNIX.mode*;\r\n211 E\r\n')), null);
    assert.equal(mlstFactsToAsk(feat('211-F\r\n SIZE\r\n211 E\r\n')), null);
  });
});

describe('passive addresses', () => {
  const table: [string, string, boolean, string][] = [
    // By default the 227 address is never followed: only its port is taken.
    ['198.51.100.9', '203.0.113.7', false, '203.0.113.7'], // a hostile server naming another host
    ['127.0.0.2', '127.0.0.1', false, '127.0.0.1'],
    ['10.0.0.5', '10.0.0.9', false, '10.0.0.9'],
    ['0.0.0.0', '203.0.113.7', false, '203.0.113.7'],
    ['10.0.0.5', '::ffff:203.0.113.7', false, '203.0.113.7'],
    // trustPasvAddress: followed, unless it is an inside address the server sits behind.
    ['198.51.100.9', '203.0.113.7', true, '198.51.100.9'], // FXP-style
    ['10.0.0.5', '203.0.113.7', true, '203.0.113.7'], // behind NAT: the inside address is useless to us
    ['192.168.1.2', '198.51.100.1', true, '198.51.100.1'],
    ['0.0.0.0', '127.0.0.1', true, '127.0.0.1'],
    ['0.0.0.0', '203.0.113.7', true, '203.0.113.7'],
    ['127.0.0.1', '127.0.0.1', true, '127.0.0.1'],
    ['10.0.0.5', '10.0.0.9', true, '10.0.0.5'], // both inside: the server may mean another host
    ['10.0.0.5', '::ffff:203.0.113.7', true, '203.0.113.7'],
  ];
  for (const [reply, peer, trust, expected] of table) {
    it(`227 ${reply} on a control connection to ${peer}${trust ? ', trusted' : ''} → ${expected}`, () => {
      assert.deepEqual(passiveTarget({ host: reply, port: 2000 }, peer, trust), { host: expected, port: 2000 });
    });
  }
});

describe('remote paths', () => {
  const table: [string, string, string][] = [
    ['/', 'a.txt', '/a.txt'],
    ['/upload', 'x/../y', '/upload/y'],
    ['/upload', '/abs/', '/abs'],
    ['/upload', '', '/upload'],
    ['/upload/deep', '..', '/upload'],
    ['/', '../..', '/'],
    ['/', 'name with spaces/été', '/name with spaces/été'],
  ];
  for (const [cwd, path, expected] of table) it(`${cwd} + ${path} → ${expected}`, () => assert.equal(resolveRemote(cwd, path), expected));
  it('refuses CR, LF and NUL in paths', () => assert.throws(() => resolveRemote('/', 'a\r\nDELE b'), /CR, LF or NUL/));
  it('reads 257 replies, doubled quotes included', () => {
    assert.equal(parsePwdReply('"/" is the current directory'), '/');
    assert.equal(parsePwdReply('"/a ""b"" c" created'), '/a "b" c');
    assert.equal(parsePwdReply('no quotes'), null);
  });
  it('takes chmod modes as octal text or numbers', () => {
    assert.equal(modeText('755'), '755');
    assert.equal(modeText(0o640), '640');
    assert.equal(modeText('0644'), '0644');
    for (const bad of ['75', '789', 'rwx', -1, 1.5, '755; DELE x']) assert.throws(() => modeText(bad as string), /chmod mode/);
  });
});
