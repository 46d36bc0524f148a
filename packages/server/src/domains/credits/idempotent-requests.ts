import { createHash } from 'node:crypto';
import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import { HubError } from '../../http/hub-error.js';

export interface IdempotentAnswer<T> {
  statusCode: number;
  body: T;
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

/** A stable hash of what a request asks for (the key's scope decides what "the same" means). */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * Runs an API write at most once per `(scope, key)`: a replay with the same request answers the
 * stored first answer; the same key with a different request is refused with 422. The write
 * itself must be idempotent by the same key (the ledger's unique idempotency key), so that two
 * concurrent first requests still move money once; this table only makes the answers identical.
 */
export async function runIdempotent<T>(
  db: Kysely<Database>,
  id: { scope: string; key: string; hash: string },
  run: () => Promise<{ statusCode: number; body: T }>,
): Promise<IdempotentAnswer<T>> {
  const stored = await find(db, id);
  if (stored) return answer(stored, id.hash);
  const result = await run();
  await db
    .insertInto('idempotency_records')
    .values({
      scope: id.scope,
      key: id.key,
      request_hash: id.hash,
      status_code: result.statusCode,
      response: JSON.stringify(result.body),
      created_at: Date.now(),
    })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .execute();
  return { ...result, replayed: false };
}

async function find(db: Kysely<Database>, id: { scope: string; key: string }) {
  return db
    .selectFrom('idempotency_records')
    .select(['request_hash', 'status_code', 'response'])
    .where('scope', '=', id.scope)
    .where('key', '=', id.key)
    .executeTakeFirst();
}

function answer<T>(
  stored: { request_hash: string; status_code: number; response: string },
  hash: string,
): IdempotentAnswer<T> {
  if (stored.request_hash !== hash) {
    throw new HubError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request; send a new key for a new request',
    );
  }
  return { statusCode: stored.status_code, body: JSON.parse(stored.response) as T, replayed: true };
}
