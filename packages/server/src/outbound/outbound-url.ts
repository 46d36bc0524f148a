import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { badRequest } from '../http/hub-error.js';
import type { AddressPolicy } from './address-policy.js';

/** Resolves a host name to every address it has (injectable for tests). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

const resolveAll: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** A URL's host as an address or name (`[::1]` without its brackets). */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Checks a URL set at runtime (a webhook endpoint; a provider's or MCP server's base URL) before
 * it is stored: `http:` or `https:`, no credentials in it, and a host whose every address the
 * policy allows (the name is resolved now; the same rule runs again at each connection, see
 * `createGuardedAgent`, so a name that later resolves elsewhere is refused then). Throws 400
 * `validation_error` naming `field` and the reason; answers the parsed URL.
 */
export async function assertOutboundUrl(
  value: string,
  policy: AddressPolicy,
  { field = 'url', resolve = resolveAll }: { field?: string; resolve?: ResolveHost } = {},
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`${field}: not a URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest(`${field}: must be an http:// or https:// URL`, { field });
  }
  if (url.username !== '' || url.password !== '') {
    throw badRequest(`${field}: must not carry credentials (user:password@)`, { field });
  }
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw badRequest(`${field}: the host ${host} does not resolve`, { field });
    }
    if (addresses.length === 0) throw badRequest(`${field}: the host ${host} does not resolve`, { field });
  }
  for (const address of addresses) {
    const refusal = policy.refusal(address);
    if (refusal !== null) {
      throw badRequest(
        `${field}: ${host} ${address === host ? 'is' : `resolves to ${address}, which is`} a ${refusal} address; the hub only calls public addresses unless HUB_ALLOW_PRIVATE_URLS allows it`,
        { field, address, reason: refusal },
      );
    }
  }
  return url;
}
