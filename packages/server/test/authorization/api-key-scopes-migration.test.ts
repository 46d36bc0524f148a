import { newId } from '@smart-ai-hub/adapters';
import {
  createTestDatabase,
  migrateToLatest,
  migrations,
  testDialects,
} from '@smart-ai-hub/adapters/testing';
import { DEFAULT_API_KEY_SCOPES } from '@smart-ai-hub/sdk';
import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, createApiKeysService } from '../../src/domains/auth/api-keys.js';
import { hashSecret, newSecretToken } from '../../src/domains/auth/secret-token.js';

/** The migrations before the scopes: a database as the last release left it. */
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0006'));

for (const dialect of await testDialects()) {
  describe(`migration 0006-api-key-scopes on ${dialect}`, () => {
    it('gives every existing key the default scopes (call models; read credits, usage, models)', async () => {
      const database = await createTestDatabase(dialect, { migrate: false });
      try {
        await migrateToLatest(database.db, before);
        const now = Date.now();
        const userId = newId('usr');
        const key = newSecretToken(API_KEY_PREFIX);
        await database.db
          .insertInto('users')
          .values({
            id: userId,
            email: `${userId}@example.com`,
            role: 'user',
            created_at: now,
            updated_at: now,
          })
          .execute();
        // Only the columns the table had before the migration.
        await database.db
          .insertInto('api_keys')
          .values({
            id: newId('key'),
            user_id: userId,
            name: 'old',
            prefix: key.slice(0, 11),
            key_hash: hashSecret(key),
            allowed_models: null,
            spend_cap: null,
            expires_at: null,
            last_used_at: null,
            revoked_at: null,
            created_at: now,
          })
          .execute();

        await migrateToLatest(database.db);
        const resolved = await createApiKeysService(database.db).resolve(key);
        expect(resolved?.userId).toBe(userId);
        expect([...resolved!.scopes]).toEqual([...DEFAULT_API_KEY_SCOPES]);
        const row = await database.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
        expect(row.created_by_key_id).toBeNull();
      } finally {
        await database.drop();
      }
    });
  });
}
