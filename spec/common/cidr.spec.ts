// Address ranges for the per-account allow lists: IPv4 and IPv6 CIDR, IPv4-mapped IPv6
// clients matched by IPv4 ranges, and every bad range refused with a message that says
// what is wrong with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressBytes, anyCidrContains, cidrContains, parseCidr, parseCidrList } from '../../common/cidr.js';

const contains = (range: string, address: string): boolean => cidrContains(parseCidr('r', range), address);

describe('CIDR ranges', () => {
  it('IPv4: the prefix decides, single addresses are /32', () => {
    assert.equal(contains('127.0.0.0/8', '127.255.1.2'), true);
    assert.equal(contains('127.0.0.0/8', '128.0.0.1'), false);
    assert.equal(contains('127.0.0.2', '127.0.0.2'), true);
    assert.equal(contains('127.0.0.2', '127.0.0.3'), false);
    assert.equal(contains('127.0.0.2/31', '127.0.0.3'), true);
    assert.equal(contains('10.0.0.0/9', '10.127.0.1'), true);
    assert.equal(contains('10.0.0.0/9', '10.128.0.1'), false);
    assert.equal(contains('0.0.0.0/0', '203.0.113.9'), true);
  });

  it('IPv4 ranges match IPv4-mapped IPv6 clients, and only those of IPv6', () => {
    assert.equal(contains('127.0.0.0/8', '::ffff:127.0.0.2'), true);
    assert.equal(contains('127.0.0.0/8', '::FFFF:7f00:2'), true);
    assert.equal(contains('0.0.0.0/0', '::1'), false);
    assert.equal(contains('0.0.0.0/0', '2001:db8::1'), false);
    assert.equal(contains('::ffff:127.0.0.0/104', '127.0.0.9'), true);
  });

  it('IPv6: compressed forms, zones ignored in client addresses', () => {
    assert.equal(contains('2001:db8::/32', '2001:db8:ffff::1'), true);
    assert.equal(contains('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(contains('::1', '::1'), true);
    assert.equal(contains('::1/128', '0:0:0:0:0:0:0:1'), true);
    assert.equal(contains('fe80::/10', 'fe80::1%eth0'), true);
    assert.equal(contains('2001:db8::/33', '2001:db8:8000::'), false);
    assert.equal(contains('::/0', '2001:db8::1'), true);
  });

  it('anything that is not an address matches nothing', () => {
    for (const address of ['', 'localhost', '127.0.0.256', '1::2::3', 'garbage']) assert.equal(contains('0.0.0.0/0', address), false, address);
    assert.equal(addressBytes('nope'), null);
  });

  it('a list matches when any range does', () => {
    const list = parseCidrList('addresses', ['127.0.0.2/32', '2001:db8::/32']);
    assert.equal(anyCidrContains(list, '127.0.0.2'), true);
    assert.equal(anyCidrContains(list, '2001:db8::5'), true);
    assert.equal(anyCidrContains(list, '127.0.0.3'), false);
    assert.equal(anyCidrContains([], '127.0.0.2'), false);
  });

  it('bad ranges are refused, naming the field and what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      ['127.0.0.1/8', /addresses\[0\]: "127\.0\.0\.1\/8" has bits set past its \/8 prefix \(the range starts at 127\.0\.0\.0\/8\)/],
      ['2001:db8::1/32', /bits set past its \/32 prefix \(the range starts at 2001:db8::\/32\)/],
      ['10.0.0.0/33', /prefix of "10\.0\.0\.0\/33" is longer than 32 bits/],
      ['::/129', /longer than 128 bits/],
      ['10.0.0/8', /"10\.0\.0" is not an IPv4 or IPv6 address/],
      ['fe80::1%eth0/64', /is not an address range/],
      ['10.0.0.0/', /is not an address range/],
      ['', /is not an address range/],
      [8, /must be a string in CIDR notation/],
    ];
    for (const [value, message] of cases) assert.throws(() => parseCidrList('addresses', [value]), message, String(value));
    assert.throws(() => parseCidrList('addresses', '10.0.0.0/8'), /addresses must be an array/);
  });
});

describe('CIDR ranges as the PROXY protocol trust list reads them', () => {
  const matches: [string[], string, boolean][] = [
    [['10.0.0.0/8'], '10.255.1.2', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['127.0.0.1'], '127.0.0.1', true],
    [['127.0.0.1'], '127.0.0.2', false],
    [['127.0.0.1'], '::ffff:127.0.0.1', true], // a dual-stack listener's view of an IPv4 client
    [['192.168.1.128/25'], '192.168.1.200', true],
    [['192.168.1.128/25'], '192.168.1.127', false],
    [['0.0.0.0/0'], '203.0.113.9', true],
    [['0.0.0.0/0'], '::1', false],
    [['::1'], '::1', true],
    [['::1/128'], '0:0:0:0:0:0:0:1', true],
    [['2001:db8::/32'], '2001:db8:ffff::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['fd00::/8'], 'fdab::1', true],
    [['::/0'], '10.0.0.1', true], // every address is held as IPv6, IPv4 as IPv4-mapped (RFC 4291 §2.5.5.2)
    [['::ffff:10.0.0.0/104'], '10.1.1.1', true], // an IPv4-mapped range is the IPv4 range
    [['::ffff:10.0.0.0/104'], '11.1.1.1', false],
    [['127.0.0.1', '10.0.0.0/8'], '10.9.9.9', true],
    [['10.0.0.0/8'], 'not an address', false],
    [['10.0.0.0/8'], '', false],
  ];
  for (const [ranges, address, expected] of matches) {
    it(`${address || '(empty)'} ${expected ? 'is' : 'is not'} in ${ranges.join(', ')}`, () => {
      assert.equal(anyCidrContains(parseCidrList('trusted', ranges), address), expected);
    });
  }

  for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.1/8', '::1/129', '2001:db8::1/32', 'example.com', '10.0.0', '', 'fe80::1%eth0', '10.0.0.0/0x8', '1.2.3.4/ 8x']) {
    it(`refuses ${JSON.stringify(bad)}, naming the field`, () => {
      assert.throws(() => parseCidrList('proxyProtocol.trusted', ['127.0.0.1', bad]), (e: unknown) => e instanceof Error && /^proxyProtocol\.trusted\[1\]/.test(e.message));
    });
  }

  it('refuses a list that is not an array', () => {
    assert.throws(() => parseCidrList('trusted', '10.0.0.0/8'), TypeError);
  });
});
