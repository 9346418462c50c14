// Byte ranges and conditional requests (RFC 9110 §13, §14), as tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRange } from '../../http/range.js';
import { entityTag, httpDate, notModified, rangeStillValid } from '../../http/validators.js';

describe('Range', () => {
  const table: [string | undefined, number, ReturnType<typeof decideRange>][] = [
    [undefined, 100, { kind: 'whole' }],
    ['bytes=0-9', 100, { kind: 'part', start: 0, end: 9 }],
    ['bytes=10-', 100, { kind: 'part', start: 10, end: 99 }],
    ['bytes=-10', 100, { kind: 'part', start: 90, end: 99 }],
    ['bytes=-1000', 100, { kind: 'part', start: 0, end: 99 }],
    ['bytes=90-1000', 100, { kind: 'part', start: 90, end: 99 }],
    ['BYTES = 5-5', 100, { kind: 'part', start: 5, end: 5 }],
    ['bytes=5-5, ', 100, { kind: 'part', start: 5, end: 5 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=200-300', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=200-300, 300-', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-1, 200-300', 100, { kind: 'part', start: 0, end: 1 }],
    ['bytes=0-1,5-6', 100, { kind: 'whole' }], // several ranges: the whole file
    ['bytes=9-5', 100, { kind: 'whole' }], // invalid: ignored
    ['bytes=a-5', 100, { kind: 'whole' }],
    ['bytes=', 100, { kind: 'whole' }],
    ['bytes=-', 100, { kind: 'whole' }],
    ['items=0-5', 100, { kind: 'whole' }],
    ['0-5', 100, { kind: 'whole' }],
    ['bytes=99999999999999999999-', 100, { kind: 'unsatisfiable' }],
  ];
  for (const [header, size, expected] of table) {
    it(`${JSON.stringify(header)} of ${size} bytes → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(decideRange(header, size), expected);
    });
  }
});

describe('validators', () => {
  const file = { size: 1234, modified: new Date('2026-01-02T03:04:05.678Z') };
  const tag = entityTag(file);
  const date = httpDate(file.modified);

  it('makes a strong tag from size and time, and an IMF-fixdate', () => {
    assert.match(tag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.notEqual(entityTag({ ...file, size: 1235 }), tag);
    assert.notEqual(entityTag({ ...file, modified: new Date(file.modified.getTime() + 1) }), tag);
    assert.equal(date, 'Fri, 02 Jan 2026 03:04:05 GMT');
  });

  const cases: [Record<string, string>, boolean][] = [
    [{}, false],
    [{ 'if-none-match': tag }, true],
    [{ 'if-none-match': `W/${tag}` }, true], // weak comparison
    [{ 'if-none-match': `"other", ${tag}` }, true],
    [{ 'if-none-match': '*' }, true],
    [{ 'if-none-match': '"other"' }, false],
    [{ 'if-modified-since': date }, true],
    [{ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:06 GMT' }, true],
    [{ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:04 GMT' }, false],
    [{ 'if-modified-since': 'not a date' }, false],
    // If-None-Match wins: a stale tag means modified, whatever the date says
    [{ 'if-none-match': '"other"', 'if-modified-since': date }, false],
  ];
  for (const [headers, expected] of cases) {
    it(`not modified for ${JSON.stringify(headers)}: ${expected}`, () => assert.equal(notModified(headers, file), expected));
  }

  it('If-Range: a strong tag or the exact date keeps the range; anything else sends the whole file', () => {
    assert.equal(rangeStillValid(undefined, file), true);
    assert.equal(rangeStillValid(tag, file), true);
    assert.equal(rangeStillValid(date, file), true);
    assert.equal(rangeStillValid(`W/${tag}`, file), false);
    assert.equal(rangeStillValid('"other"', file), false);
    assert.equal(rangeStillValid('Fri, 02 Jan 2026 03:04:06 GMT', file), false);
    assert.equal(rangeStillValid('garbage', file), false);
  });
});
