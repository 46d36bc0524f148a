import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy.js';

/** Raised (as the connection's error) when a host resolves to an address the policy refuses. */
export class ForbiddenAddressError extends Error {
  readonly code = 'EADDRNOTALLOWED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${host} resolves to ${address}, a ${reason} address the hub may not call`);
    this.name = 'ForbiddenAddressError';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for sockets that resolves the name and refuses the connection when any address is
 * one the policy refuses: the check runs on the very addresses the socket connects to, so DNS
 * rebinding (a name that resolved to a public address when it was checked, and to 127.0.0.1 now)
 * gains nothing.
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const reason = policy.refusal(address);
        if (reason !== null) return callback(new ForbiddenAddressError(hostname, address, reason), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici dispatcher for URLs set at runtime: every connection it opens goes only to addresses
 * the policy allows (an IP in the URL is checked as is; a name through {@link guardedLookup}).
 * It never follows redirects (undici's `request` does not), so a redirect cannot lead elsewhere.
 */
export function createGuardedAgent(
  policy: AddressPolicy,
  options: { connectTimeoutMs?: number; keepAliveTimeoutMs?: number } = {},
): Agent {
  const connector = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: guardedLookup(policy),
  } as buildConnector.BuildOptions);
  return new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    connect(connectOptions, callback) {
      const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(host)) {
        const reason = policy.refusal(host);
        if (reason !== null) return callback(new ForbiddenAddressError(host, host, reason), null);
      }
      return connector(connectOptions, callback);
    },
  });
}
