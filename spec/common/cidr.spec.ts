// CIDR allow lists: IPv4, IPv6, IPv4-mapped clients, and every malformed range refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressInCidrs, parseCidr, parseCidrs } from '../../common/cidr.js';
import { InvalidArgumentError } from '../../common/errors.js';

describe('CIDR ranges', () => {
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
    [['::/0'], '10.0.0.1', false], // IPv4 ranges and IPv6 ranges do not mix
    [['::ffff:10.0.0.0/104'], '10.1.1.1', true], // an IPv4-mapped range is the IPv4 range
    [['::ffff:10.0.0.0/104'], '11.1.1.1', false],
    [['127.0.0.1', '10.0.0.0/8'], '10.9.9.9', true],
    [['10.0.0.0/8'], 'not an address', false],
    [['10.0.0.0/8'], '', false],
  ];
  for (const [ranges, address, expected] of matches) {
    it(`${address || '(empty)'} ${expected ? 'is' : 'is not'} in ${ranges.join(', ')}`, () => {
      assert.equal(addressInCidrs(address, parseCidrs(ranges)), expected);
    });
  }

  it('parses the prefix and the family', () => {
    assert.deepEqual({ ...parseCidr('10.0.0.0/8'), bytes: [...parseCidr('10.0.0.0/8').bytes] }, { family: 4, bytes: [10, 0, 0, 0], prefix: 8, text: '10.0.0.0/8' });
    assert.equal(parseCidr('2001:db8::/32').prefix, 32);
    assert.equal(parseCidr('::1').prefix, 128);
    assert.equal(parseCidr('1.2.3.4').prefix, 32);
  });

  for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.1/8', '::1/129', '2001:db8::1/32', 'example.com', '10.0.0', '', 'fe80::1%eth0', '10.0.0.0/0x8', '1.2.3.4/ 8x']) {
    it(`refuses ${JSON.stringify(bad)}, naming the field`, () => {
      assert.throws(() => parseCidrs(['127.0.0.1', bad], 'proxyProtocol.trusted'), (e: unknown) => e instanceof InvalidArgumentError && /^proxyProtocol\.trusted\[1\]: /.test(e.message));
    });
  }

  it('refuses a list that is not an array', () => {
    assert.throws(() => parseCidrs('10.0.0.0/8' as unknown as string[], 'trusted'), InvalidArgumentError);
  });
});
