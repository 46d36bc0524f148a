import { describe, expect, it } from 'vitest';
import { createAddressPolicy, isAddressAllowList } from './address-policy.js';

describe('the outbound address policy', () => {
  const strict = createAddressPolicy(undefined);

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(strict.refusal(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('allows the public address %s', (address) => {
    expect(strict.refusal(address)).toBeNull();
  });

  it('allows what the operator lists, and nothing more', () => {
    const policy = createAddressPolicy('127.0.0.1, 10.0.0.0/8,fd00::/8');
    expect(policy.refusal('127.0.0.1')).toBeNull();
    expect(policy.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(policy.refusal('127.0.0.2')).toBe('loopback');
    expect(policy.refusal('10.200.1.1')).toBeNull();
    expect(policy.refusal('192.168.0.1')).toBe('private');
    expect(policy.refusal('fd12::1')).toBeNull();
    expect(policy.refusal('::1')).toBe('loopback');
    expect(createAddressPolicy('*').refusal('169.254.169.254')).toBeNull();
  });

  it('checks the allow list the operator writes', () => {
    expect(isAddressAllowList('*')).toBe(true);
    expect(isAddressAllowList('127.0.0.1,10.0.0.0/8, ::1')).toBe(true);
    expect(isAddressAllowList('localhost')).toBe(false);
    expect(isAddressAllowList('10.0.0.0/33')).toBe(false);
  });
});
