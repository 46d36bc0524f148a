import { isIPv4, isIPv6 } from 'node:net';

/**
 * What throttles count a client by: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber holds a whole /64, and would otherwise get a fresh budget per address), an IPv4
 * address mapped into IPv6 as the IPv4 address.
 */
export function clientSource(ip: string): string {
  const address = ip.split('%')[0]!.toLowerCase();
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const headGroups = groups(head);
  const tailGroups = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (`::1.2.3.4`) fills two groups.
  const tailLength = tailGroups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailLength).fill('0');
  const prefix = [...headGroups, ...zeros, ...tailGroups]
    .slice(0, 4)
    .map((g) => (g.includes('.') ? g : Number.parseInt(g, 16).toString(16)));
  return `${prefix.join(':')}::/64`;
}
