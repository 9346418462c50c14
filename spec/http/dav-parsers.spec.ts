// The pure parsers behind WebDAV: the XML of request bodies (namespaces resolved, every
// malformed input an XmlError, no DOCTYPE), the If header, the Timeout header, and the
// element writer that keeps a dead property self-contained.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIf, submittedTokens } from '../../http/dav/if-header.js';
import { MAX_TIMEOUT, timeoutOf } from '../../http/dav/locks.js';
import { elements, parseXml, textOf, XmlError } from '../../http/dav/xml.js';
import { escapeText, writeElement } from '../../http/dav/xml-write.js';
import { HttpError } from '../../http/errors.js';
import { pseudoRandom } from '../helpers/files.js';

describe('parseXml', () => {
  it('resolves namespaces by URI, whatever the prefix, with defaults and scoping', () => {
    const root = parseXml('<?xml version="1.0" encoding="utf-8"?>\n<!-- c --><a:propfind xmlns:a="DAV:" xmlns="urn:d"><a:prop><x/><b:y xmlns:b="urn:b" b:at="1" plain="2"/><z xmlns=""/></a:prop></a:propfind>');
    assert.deepEqual([root.ns, root.local], ['DAV:', 'propfind']);
    const [prop] = elements(root);
    assert.deepEqual(elements(prop!).map((e) => [e.ns, e.local]), [['urn:d', 'x'], ['urn:b', 'y'], ['', 'z']]);
    assert.deepEqual(elements(prop!)[1]!.attributes, [{ ns: 'urn:b', local: 'at', value: '1' }, { ns: '', local: 'plain', value: '2' }]);
  });

  it('decodes entities, character references and CDATA; keeps text beyond the BMP', () => {
    const root = parseXml('\ufeff<v>&lt;&amp;&gt;&quot;&apos;&#65;&#x1F600;<![CDATA[<raw>&amp;]]>\u{10000}</v>');
    assert.equal(textOf(root), '<&>"\'A\u{1F600}<raw>&amp;\u{10000}');
  });

  const bad: [string, string][] = [
    ['', 'empty'],
    ['<a>', 'unclosed'],
    ['<a></b>', 'mismatched'],
    ['<p:a/>', 'undeclared prefix'],
    ['<a xmlns:p=""/>', 'empty prefixed namespace'],
    ['<a x="1" x="2"/>', 'duplicate attribute'],
    ['<a>&nope;</a>', 'unknown entity'],
    ['<a>&#0;</a>', 'NUL reference'],
    ['<a/><b/>', 'two roots'],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'a DOCTYPE'],
    ['<a x=1/>', 'unquoted attribute'],
    ['<a>]]></a>', ']]> in text'],
  ];
  for (const [text, why] of bad) it(`refuses ${why}`, () => assert.throws(() => parseXml(text), XmlError));

  it('throws nothing but XmlError on random bytes and on every cut of a valid body', () => {
    const valid = '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:a xmlns:x="urn:x">v &amp; <![CDATA[c]]></x:a></D:prop></D:set></D:propertyupdate>';
    for (let cut = 0; cut < valid.length; cut++) {
      try {
        parseXml(valid.slice(0, cut));
      } catch (error) {
        assert.ok(error instanceof XmlError, `cut at ${cut}: ${String(error)}`);
      }
    }
    for (let seed = 1; seed < 200; seed++) {
      const text = pseudoRandom(64, seed).toString('latin1').replace(/^/, '<');
      try {
        parseXml(text);
      } catch (error) {
        assert.ok(error instanceof XmlError, String(error));
      }
    }
  });

  it('bounds nesting', () => assert.throws(() => parseXml(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`), /too deep/));
});

describe('writeElement', () => {
  it('writes an element that needs no declaration from outside, and parses back the same', () => {
    const element = elements(parseXml('<D:prop xmlns:D="DAV:" xmlns:x="urn:x"><x:a x:k="&lt;1&gt;">t&amp;<D:href>h</D:href><n xmlns=""/></x:a></D:prop>'))[0]!;
    const text = writeElement(element);
    assert.equal(text, '<a xmlns="urn:x" xmlns:a0="urn:x" a0:k="&lt;1&gt;">t&amp;<href xmlns="DAV:">h</href><n xmlns=""/></a>');
    const again = parseXml(text);
    assert.deepEqual([again.ns, again.local, elements(again).map((e) => e.ns)], ['urn:x', 'a', ['DAV:', '']]);
    assert.equal(escapeText('a<b>&\r'), 'a&lt;b&gt;&amp;&#13;');
  });
});

describe('the If header', () => {
  it('reads untagged and tagged lists, Not, state tokens and entity tags', () => {
    const lists = parseIf('<http://h/files/a> (<urn:uuid:1> ["e1"]) (Not <DAV:no-lock> [W/"e2"])  </files/b>(<urn:uuid:2>)');
    assert.deepEqual(lists, [
      { resource: 'http://h/files/a', conditions: [{ not: false, token: 'urn:uuid:1' }, { not: false, etag: '"e1"' }] },
      { resource: 'http://h/files/a', conditions: [{ not: true, token: 'DAV:no-lock' }, { not: false, etag: 'W/"e2"' }] },
      { resource: '/files/b', conditions: [{ not: false, token: 'urn:uuid:2' }] },
    ]);
    assert.deepEqual([...submittedTokens(lists)], ['urn:uuid:1', 'urn:uuid:2']);
    assert.deepEqual(parseIf('(<urn:uuid:x>)'), [{ resource: null, conditions: [{ not: false, token: 'urn:uuid:x' }] }]);
  });

  for (const header of ['', '()', '(<a>', '<a>', 'x', '(["e")', '(Nope <a>)']) {
    it(`refuses ${JSON.stringify(header)} with a 400`, () => assert.throws(() => parseIf(header), (e) => e instanceof HttpError && e.status === 400));
  }
});

describe('the Timeout header', () => {
  const cases: [string | undefined, number][] = [
    [undefined, 3600],
    ['Second-600', 600],
    ['Infinite, Second-4100000000', MAX_TIMEOUT],
    ['Second-99999999999', MAX_TIMEOUT],
    ['Bogus, Second-30', 30],
    ['Second-0', 1],
  ];
  for (const [header, seconds] of cases) it(`${header} → ${seconds}`, () => assert.equal(timeoutOf(header), seconds));
});
