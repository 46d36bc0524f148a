import { describe, expect, it } from 'vitest';
import { clientSource } from './client-source.js';

describe('client source', () => {
  it('keeps IPv4 addresses and unmaps IPv4-mapped IPv6 ones', () => {
    expect(clientSource('203.0.113.7')).toBe('203.0.113.7');
    expect(clientSource('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts IPv6 addresses by their /64, however they are written', () => {
    const one = clientSource('2001:db8:aa:bb::1');
    expect(one).toBe('2001:db8:aa:bb::/64');
    expect(clientSource('2001:0DB8:00aa:00bb:ffff:1:2:3')).toBe(one);
    expect(clientSource('2001:db8:aa:bb:1::%eth0')).toBe(one);
    expect(clientSource('2001:db8:aa:bc::1')).not.toBe(one);
    expect(clientSource('::1')).toBe('0:0:0:0::/64');
    expect(clientSource('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(clientSource('2001:db8::')).toBe('2001:db8:0:0::/64');
  });
});
