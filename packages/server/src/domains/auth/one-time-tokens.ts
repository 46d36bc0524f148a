import { type Database, newId } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import { hashSecret, newSecretToken } from './secret-token.js';

export type OneTimePurpose = 'verify_email' | 'reset_password';

/** Single-use, expiring tokens for email links, stored only as SHA-256 hashes. */
export function createOneTimeTokens(db: Kysely<Database>) {
  return {
    /** A new token for the user and purpose; earlier unused tokens of that purpose stop working. */
    async issue(userId: string, purpose: OneTimePurpose, ttlMs: number): Promise<string> {
      const now = Date.now();
      const token = newSecretToken();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('one_time_tokens')
          .set({ used_at: now })
          .where('user_id', '=', userId)
          .where('purpose', '=', purpose)
          .where('used_at', 'is', null)
          .execute();
        await trx
          .insertInto('one_time_tokens')
          .values({
            id: newId('ott'),
            user_id: userId,
            purpose,
            token_hash: hashSecret(token),
            expires_at: now + ttlMs,
            used_at: null,
            created_at: now,
          })
          .execute();
      });
      return token;
    },
    /** Uses the token once: its user id, or null when unknown, used, expired or for another purpose. */
    async consume(token: string, purpose: OneTimePurpose): Promise<string | null> {
      const now = Date.now();
      const row = await db
        .selectFrom('one_time_tokens')
        .select(['id', 'user_id'])
        .where('token_hash', '=', hashSecret(token))
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      if (!row) return null;
      const used = await db
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(used.numUpdatedRows) === 1 ? row.user_id : null;
    },
  };
}

export type OneTimeTokens = ReturnType<typeof createOneTimeTokens>;
