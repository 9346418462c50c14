import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announcedSize } from '../../protocol/opening.js';

describe('announcedSize', () => {
  it('reads the size from the opening replies of vsftpd, proftpd and our server', () => {
    assert.equal(announcedSize('Opening BINARY mode data connection for /f.bin (1073741824 bytes).'), 1073741824);
    assert.equal(announcedSize('Opening BINARY mode data connection for f.txt (0 bytes)'), 0);
    assert.equal(announcedSize('Opening ASCII mode data connection for one (1 byte)'), 1);
  });

  it('gives null where no size is named, or only in other words', () => {
    assert.equal(announcedSize('File status okay. About to open data connection.'), null);
    assert.equal(announcedSize('4.0 kbytes to download'), null);
    assert.equal(announcedSize('Opening data connection for (12 files)'), null);
    assert.equal(announcedSize('Opening for x (-5 bytes)'), null);
  });

  it('takes the last size: the one after the name, when a file name looks like one', () => {
    assert.equal(announcedSize('Opening BINARY mode data connection for a (3 bytes).txt (7 bytes).'), 7);
  });
});
