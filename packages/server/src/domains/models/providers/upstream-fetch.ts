import { Readable } from 'node:stream';
import { Agent, request } from 'undici';

/**
 * A `fetch` for the vendor SDKs' `fetch` option, on undici's `request` over one keep-alive pool.
 * Node's global `fetch` builds WHATWG streams for the request and tees the response; measured on
 * the gateway benchmark's fake upstream (50 concurrent calls, one core), the `openai` client did
 * ~930 calls/s on the global `fetch` and ~1,430 on this one (`undici.request` alone: ~4,400).
 * Requests whose body is not a string or bytes (uploads) go to the global `fetch` unchanged.
 */
export function createUpstreamFetch(agent = new Agent({ keepAliveTimeout: 30_000 })): typeof fetch {
  return async (input, init = {}) => {
    const body = init.body;
    const simpleBody =
      body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (!simpleBody || typeof input !== 'string') return fetch(input, init);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const response = await request(input, {
      method: (init.method ?? 'GET') as 'GET',
      headers,
      body: body ?? undefined,
      signal: init.signal ?? undefined,
      dispatcher: agent,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
      else if (value !== undefined) responseHeaders.set(name, value);
    }
    const empty = response.statusCode === 204 || response.statusCode === 304 || init.method === 'HEAD';
    if (empty) response.body.resume();
    return new Response(empty ? null : (Readable.toWeb(response.body) as ReadableStream), {
      status: response.statusCode,
      headers: responseHeaders,
    });
  };
}
