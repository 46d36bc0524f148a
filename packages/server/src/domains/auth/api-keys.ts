import type { ApiKeysTable } from '@smart-ai-hub/adapters';
import { type Database, newId } from '@smart-ai-hub/adapters';
import { type Kysely, type Selectable, sql } from 'kysely';
import { notFound } from '../../http/hub-error.js';
import type { Role } from './principal.js';
import { hashSecret, newSecretToken } from './secret-token.js';
import { TtlCache } from './ttl-cache.js';

export const API_KEY_PREFIX = 'sk-hub-';
/** How stale a cached key lookup may be: a key revoked on another replica works at most this long. */
export const API_KEY_CACHE_MS = 5_000;
/** `last_used_at` is written at most this often per key, off the request's path. */
const LAST_USED_EVERY_MS = 60_000;

export type ApiKeyRow = Selectable<ApiKeysTable>;

export interface CreateApiKeyInput {
  name: string;
  expiresAt?: number | null;
  allowedModels?: string[] | null;
  /** Credit units. */
  spendCap?: number | null;
}

/** A key that authenticates, with its owner's role as of the lookup. */
export interface ResolvedApiKey {
  id: string;
  userId: string;
  role: Role;
  allowedModels: string[] | null;
  spendCap: number | null;
}

/**
 * API keys: `sk-hub-` + 256 random bits, stored only as SHA-256, shown once. `resolve` is on the
 * hot path of every model request: one lookup by the unique hash index, cached for
 * {@link API_KEY_CACHE_MS} (revoking on this node drops the entry at once).
 */
export interface ApiKeysService {
  create(userId: string, input: CreateApiKeyInput): Promise<{ key: string; row: ApiKeyRow }>;
  list(userId: string): Promise<ApiKeyRow[]>;
  /** Revokes the user's key; 404 when the key is not theirs. Revoking twice is harmless. */
  revoke(userId: string, id: string): Promise<void>;
  /** The key's identity, or null when it is unknown, revoked, expired, or its user is disabled. */
  resolve(key: string): Promise<ResolvedApiKey | null>;
  /** Drops every cached lookup (after a user is disabled or changes role). */
  invalidate(): void;
  /**
   * Reserves `amount` units against the key's spending cap: a guarded update, so concurrent
   * requests never overshoot it. False when the cap would be exceeded (nothing reserved).
   */
  reserveSpend(id: string, amount: number, cap: number): Promise<boolean>;
  /** Moves the key's recorded spend by `delta` units (a reservation swapped for the real charge). */
  adjustSpend(id: string, delta: number): Promise<void>;
}

interface CachedKey extends ResolvedApiKey {
  expiresAt: number | null;
  disabled: boolean;
}

export function createApiKeysService(db: Kysely<Database>): ApiKeysService {
  const cache = new TtlCache<CachedKey | null>(API_KEY_CACHE_MS);
  const lastUsedWritten = new TtlCache<true>(LAST_USED_EVERY_MS);

  function touch(id: string, now: number) {
    if (lastUsedWritten.get(id)) return;
    lastUsedWritten.set(id, true);
    db.updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', id)
      .execute()
      .catch(() => lastUsedWritten.delete(id));
  }

  return {
    async reserveSpend(id, amount, cap) {
      const result = await db
        .updateTable('api_keys')
        .set({ spent: sql`spent + ${amount}` })
        .where('id', '=', id)
        .where(sql<boolean>`spent + ${amount} <= ${cap}`)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async adjustSpend(id, delta) {
      if (delta === 0) return;
      await db
        .updateTable('api_keys')
        .set({ spent: sql`spent + ${delta}` })
        .where('id', '=', id)
        .execute();
    },
    async create(userId, input) {
      const key = newSecretToken(API_KEY_PREFIX);
      const row: ApiKeyRow = {
        id: newId('key'),
        user_id: userId,
        name: input.name,
        prefix: key.slice(0, API_KEY_PREFIX.length + 4),
        key_hash: hashSecret(key),
        allowed_models: input.allowedModels ? JSON.stringify(input.allowedModels) : null,
        spend_cap: input.spendCap ?? null,
        spent: 0,
        expires_at: input.expiresAt ?? null,
        last_used_at: null,
        revoked_at: null,
        created_at: Date.now(),
      };
      await db.insertInto('api_keys').values(row).execute();
      return { key, row };
    },
    list: (userId) =>
      db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('id').execute(),
    async revoke(userId, id) {
      const row = await db
        .selectFrom('api_keys')
        .select(['key_hash', 'revoked_at'])
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) throw notFound('API key');
      if (row.revoked_at === null) {
        await db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', id).execute();
      }
      cache.delete(row.key_hash);
    },
    async resolve(key) {
      if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
      const hash = hashSecret(key);
      let entry = cache.get(hash);
      if (entry === undefined) {
        const row = await db
          .selectFrom('api_keys')
          .innerJoin('users', 'users.id', 'api_keys.user_id')
          .select([
            'api_keys.id',
            'api_keys.user_id',
            'api_keys.allowed_models',
            'api_keys.spend_cap',
            'api_keys.expires_at',
            'api_keys.revoked_at',
            'users.role',
            'users.disabled_at',
          ])
          .where('api_keys.key_hash', '=', hash)
          .executeTakeFirst();
        entry =
          row && row.revoked_at === null
            ? {
                id: row.id,
                userId: row.user_id,
                role: row.role,
                allowedModels: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
                spendCap: row.spend_cap,
                expiresAt: row.expires_at,
                disabled: row.disabled_at !== null,
              }
            : null;
        cache.set(hash, entry);
      }
      const now = Date.now();
      if (!entry || entry.disabled || (entry.expiresAt !== null && entry.expiresAt <= now)) return null;
      touch(entry.id, now);
      const { expiresAt: _e, disabled: _d, ...resolved } = entry;
      return resolved;
    },
    invalidate() {
      cache.clear();
    },
  };
}
