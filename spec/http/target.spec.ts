// The request target, decoded once: every way of writing a path that could climb out of
// the user's root, or mean something else once decoded twice, is refused as a 400.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../http/errors.js';
import { parseTarget, queryFlag, virtualPath } from '../../http/target.js';

const refused = (url: string): void => {
  assert.throws(() => parseTarget(url), (e: unknown) => e instanceof HttpError && e.status === 400, url);
};

describe('request target', () => {
  it('splits path and query and decodes each segment once', () => {
    const t = parseTarget('/files/pub/name%20with%20spaces.txt?dirs=1&x=%2F');
    assert.deepEqual(t.segments, ['files', 'pub', 'name with spaces.txt']);
    assert.equal(t.rawPath, '/files/pub/name%20with%20spaces.txt');
    assert.equal(t.query.get('x'), '/');
    assert.equal(t.trailingSlash, false);
    // %25 decodes to a literal %, and stays one: "%2541" is the name "%41", not "A"
    assert.deepEqual(parseTarget('/files/%2541').segments, ['files', '%41']);
    assert.deepEqual(parseTarget('/files/unicode-%C3%A9t%C3%A9').segments, ['files', 'unicode-été']);
  });

  it('keeps a trailing slash, drops empty segments', () => {
    const t = parseTarget('/files//pub///');
    assert.deepEqual(t.segments, ['files', 'pub']);
    assert.equal(t.trailingSlash, true);
    assert.equal(parseTarget('/').trailingSlash, false);
    assert.equal(virtualPath(t.segments, 1), '/pub');
    assert.equal(virtualPath(['files'], 1), '/');
  });

  it('reads the absolute form a proxy sends', () => {
    assert.deepEqual(parseTarget('http://example.com:8080/files/a?b=1').segments, ['files', 'a']);
    assert.deepEqual(parseTarget('http://example.com').segments, []);
    refused('*');
    refused('files/a');
  });

  for (const url of [
    '/files/../etc/passwd',
    '/files/./a',
    '/files/%2e%2e/etc/passwd',
    '/files/%2E%2E/etc',
    '/files/.%2e/x',
    '/files/%2e/x',
    '/files/a%2fb',
    '/files/a%2F..%2F..%2Fb',
    '/files/%2f',
    '/files/a%00b',
    '/files/%',
    '/files/%zz',
    '/files/%c3',
    '/files/%252e%252e/../x',
  ]) {
    it(`refuses ${url}`, () => refused(url));
  }

  it('reads flags: 1/true/yes/empty, 0/false/no, anything else refused', () => {
    const q = new URLSearchParams('a=1&b=true&c&d=0&e=no&f=maybe');
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'missing'].map((n) => queryFlag(q, n)), [true, true, true, false, false, false]);
    assert.throws(() => queryFlag(q, 'f'), (e: unknown) => e instanceof HttpError && e.status === 400);
  });
});
