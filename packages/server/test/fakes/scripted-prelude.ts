import { isScriptedReply, type ResolvedBehaviour, scriptedHeaders } from './fake-behaviour.js';
import type { FakeExchange } from './fake-exchange.js';
import { sendJson } from './http-io.js';

/**
 * What every model endpoint does first with a behaviour: hang before the first byte, then send a
 * scripted error (or verbatim body). Resolves true when the request is dealt with (answered, or
 * the client left) and the endpoint must not answer it.
 */
export async function runScriptedPrelude(
  exchange: FakeExchange,
  behaviour: ResolvedBehaviour,
  errorBody: (status: number) => unknown,
  headers: Record<string, string>,
): Promise<boolean> {
  if (!(await exchange.pause(behaviour.hangBeforeFirstByteMs))) return true;
  if (!isScriptedReply(behaviour)) return false;
  const status = behaviour.status ?? 200;
  const replyHeaders = { ...headers, ...scriptedHeaders(behaviour) };
  if (behaviour.contentType !== undefined && behaviour.body !== undefined) {
    exchange.res.writeHead(status, { ...replyHeaders, 'content-type': behaviour.contentType });
    exchange.res.end(String(behaviour.body));
    return true;
  }
  sendJson(exchange.res, status, behaviour.body ?? errorBody(status), replyHeaders);
  return true;
}
