import ipaddr from 'ipaddr.js';

/**
 * Which addresses the hub may connect to for URLs set at runtime (webhook endpoints, provider and
 * MCP base URLs): public unicast addresses only, unless the operator allows more with
 * `HUB_ALLOW_PRIVATE_URLS` (`*`, or a comma list of addresses and CIDR ranges such as
 * `127.0.0.1,10.0.0.0/8,fd00::/8`). Loopback, private (RFC 1918, unique local), link-local (cloud
 * metadata), carrier-grade NAT, multicast, reserved and unspecified addresses are refused.
 */
export interface AddressPolicy {
  /** Null when the address may be reached; otherwise why not (`loopback`, `private`, ...). */
  refusal(address: string): string | null;
}

/** True when `value` is `*` or a comma list of IP addresses and CIDR ranges. */
export function isAddressAllowList(value: string): boolean {
  if (value.trim() === '*') return true;
  return value.split(',').every((part) => {
    const entry = part.trim();
    return ipaddr.isValidCIDR(entry) || ipaddr.isValid(entry);
  });
}

export function createAddressPolicy(allow: string | undefined): AddressPolicy {
  const everything = allow?.trim() === '*';
  const ranges = everything || !allow ? [] : allow.split(',').map((part) => parseRange(part.trim()));
  return {
    refusal(address) {
      if (!ipaddr.isValid(address)) return 'not_an_ip_address';
      // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
      const parsed = ipaddr.process(address);
      const range = parsed.range();
      if (range === 'unicast') return null;
      if (everything) return null;
      const allowed = ranges.some(
        ([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits),
      );
      return allowed ? null : range;
    },
  };
}

function parseRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (ipaddr.isValidCIDR(entry)) {
    const [base, bits] = ipaddr.parseCIDR(entry);
    return base.kind() === 'ipv6' && (base as ipaddr.IPv6).isIPv4MappedAddress()
      ? [(base as ipaddr.IPv6).toIPv4Address(), bits - 96]
      : [base, bits];
  }
  const address = ipaddr.process(entry);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}
