import pg from 'pg';
import { serverPreparedName } from '../server-prepared.js';

type QueryArgs = Parameters<pg.Client['query']>;

/**
 * A pg client that runs marked SQL texts as named statements. Kysely's PostgreSQL driver calls
 * `client.query(sql, parameters)`; everything else passes through unchanged.
 */
export class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() is a set of overloads
  override query(...args: any[]): any {
    const [text, values] = args as [unknown, unknown];
    if (typeof text === 'string' && Array.isArray(values) && args.length === 2) {
      const name = serverPreparedName(text);
      if (name) return super.query({ name, text, values });
    }
    return (super.query as (...a: QueryArgs) => unknown)(...(args as QueryArgs));
  }
}
