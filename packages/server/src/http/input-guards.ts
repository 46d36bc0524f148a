import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from './hub-error.js';
import { installJsonBodyParser } from './json-body-parser.js';

/** An onRequest hook: a `%00` anywhere in the path or query string is refused. */
async function refuseNulInUrl(request: FastifyRequest): Promise<void> {
  if (request.url.includes('%00') || request.url.includes('\0')) {
    throw badRequest(
      'Invalid request: the URL holds a NUL character (%00), which no path or parameter accepts',
    );
  }
}

/**
 * The rules every route of the hub's context gets, so no domain can forget them; both answer
 * 400 `validation_error` and say what was wrong and where:
 *
 * - **No NUL (U+0000)** in a JSON body (the `\u0000` escape; a raw NUL byte is not JSON at all)
 *   or in the URL. PostgreSQL text cannot hold it: the insert fails, which was a 500 on
 *   `register` and a usage batch that could never land. SQLite would store it, so the dialects
 *   would also disagree. No field of this API needs it, so refusing it everywhere at the edge is
 *   simpler and safer than escaping it in every domain. (Header values cannot carry it: Node's
 *   HTTP parser refuses them.)
 * - **No JSON nested deeper than `MAX_JSON_DEPTH`** (`json-body-parser.ts`): a 5,000-deep extra
 *   field was a 500.
 */
export function installInputGuards(app: FastifyInstance): void {
  installJsonBodyParser(app);
  app.addHook('onRequest', refuseNulInUrl);
}
