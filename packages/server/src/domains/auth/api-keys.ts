import type { ApiKeysTable } from '@smart-ai-hub/adapters';
import { type Database, newId, type QueryRunner } from '@smart-ai-hub/adapters';
import { API_KEY_SCOPES, type ApiKeyScope, DEFAULT_API_KEY_SCOPES } from '@smart-ai-hub/sdk';
import { type Kysely, type Selectable, sql } from 'kysely';
import { badRequest, HubError, notFound, unauthorized } from '../../http/hub-error.js';
import { recordAudit } from '../audit/record-audit.js';
import { unitsToCredits } from '../credits/money.js';
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
  /** Default: {@link DEFAULT_API_KEY_SCOPES}. */
  scopes?: readonly ApiKeyScope[];
  allowedModels?: string[] | null;
  /** Credit units. */
  spendCap?: number | null;
  /**
   * The key making this one (with `keys:manage`), whose limits the caller has already narrowed
   * the input to (see `limitsForKeyMadeByKey`). When the creator has a cap, the new key's cap is
   * counted as spent by the creator, in one guarded update with the insert: refused (nothing
   * made) when the creator has less left, or was revoked or expired meanwhile.
   */
  createdByKeyId?: string;
}

/** Whose keys `list` and `revoke` see: the user's, or only those a key made. */
export interface KeyOwner {
  userId: string;
  /** A `keys:manage` key acting: it sees and revokes only the keys it made. */
  keyId?: string;
}

/** A key that authenticates, with its owner's role as of the lookup. */
export interface ResolvedApiKey {
  id: string;
  userId: string;
  role: Role;
  scopes: ReadonlySet<ApiKeyScope>;
  allowedModels: string[] | null;
  spendCap: number | null;
  expiresAt: number | null;
}

/** The stored scopes (a JSON array); a name this code does not know grants nothing. */
export function parseScopes(stored: string): ApiKeyScope[] {
  const known = new Set<string>(API_KEY_SCOPES);
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? parsed.filter((s): s is ApiKeyScope => known.has(s)) : [];
}

/**
 * API keys: `sk-hub-` + 256 random bits, stored only as SHA-256, shown once. `resolve` is on the
 * hot path of every model request: one lookup by the unique hash index, cached for
 * {@link API_KEY_CACHE_MS} (revoking on this node drops the entry at once).
 */
export interface ApiKeysService {
  create(userId: string, input: CreateApiKeyInput): Promise<{ key: string; row: ApiKeyRow }>;
  list(owner: string | KeyOwner): Promise<ApiKeyRow[]>;
  /**
   * Revokes the key, and every key made under it (by it, by those, ...), so that a leaked
   * provisioning key leaves nothing of its own behind. 404 when the key is not the owner's (or
   * not made by the acting key). Revoking twice is harmless.
   */
  revoke(owner: string | KeyOwner, id: string): Promise<void>;
  /** The key's identity, or null when it is unknown, revoked, expired, or its user is disabled. */
  resolve(key: string): Promise<ResolvedApiKey | null>;
  /** Drops every cached lookup (after a user is disabled or changes role). */
  invalidate(): void;
  /**
   * Reserves `amount` units against the key's spending cap: a guarded update, so concurrent
   * requests never overshoot it. False when the cap would be exceeded (nothing reserved).
   */
  reserveSpend(id: string, amount: number, cap: number): Promise<boolean>;
  /**
   * Moves the key's recorded spend by `delta` units (a reservation swapped for the real charge).
   * With `trx`, inside that transaction (a hold's expiry gives the reservation back with it).
   */
  adjustSpend(id: string, delta: number, trx?: QueryRunner): Promise<void>;
}

interface CachedKey extends ResolvedApiKey {
  disabled: boolean;
}

const ownerOf = (owner: string | KeyOwner): KeyOwner =>
  typeof owner === 'string' ? { userId: owner } : owner;

/** What the audit log keeps of a new key: its limits, never the key or its hash. */
const auditedLimits = (row: ApiKeyRow) => ({
  name: row.name,
  prefix: row.prefix,
  scopes: JSON.parse(row.scopes) as string[],
  allowedModels: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
  spendCap: row.spend_cap === null ? null : unitsToCredits(row.spend_cap),
  expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
  createdByKeyId: row.created_by_key_id,
});

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
    async adjustSpend(id, delta, trx) {
      if (delta === 0) return;
      const update = db
        .updateTable('api_keys')
        .set({ spent: sql`spent + ${delta}` })
        .where('id', '=', id);
      await (trx ? trx.executeQuery(update.compile()) : update.execute());
    },
    async create(userId, input) {
      const key = newSecretToken(API_KEY_PREFIX);
      const now = Date.now();
      const row: ApiKeyRow = {
        id: newId('key'),
        user_id: userId,
        name: input.name,
        prefix: key.slice(0, API_KEY_PREFIX.length + 4),
        key_hash: hashSecret(key),
        scopes: JSON.stringify([...new Set(input.scopes ?? DEFAULT_API_KEY_SCOPES)]),
        allowed_models: input.allowedModels ? JSON.stringify(input.allowedModels) : null,
        spend_cap: input.spendCap ?? null,
        spent: 0,
        expires_at: input.expiresAt ?? null,
        last_used_at: null,
        revoked_at: null,
        created_at: now,
        created_by_key_id: input.createdByKeyId ?? null,
      };
      const created = {
        action: 'api_key.created',
        userId,
        target: { type: 'api_key', id: row.id },
        changes: { after: auditedLimits(row) },
      };
      const creatorId = input.createdByKeyId;
      if (creatorId === undefined) {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('api_keys').values(row).execute();
          await recordAudit(trx, created);
        });
        return { key, row };
      }
      await db.transaction().execute(async (trx) => {
        const creator = await trx
          .selectFrom('api_keys')
          .select(['spend_cap', 'spent'])
          .where('id', '=', creatorId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!creator) throw notFound('API key');
        if (creator.spend_cap !== null && row.spend_cap === null) {
          throw badRequest('spendCap is required: the key making this one has a spending cap');
        }
        // The guard and the lock in one: a concurrent revoke of the creator either waits for this
        // insert (and then revokes the new key too) or comes first (and this finds no row).
        const carved = creator.spend_cap === null ? 0 : row.spend_cap!;
        const updated = await trx
          .updateTable('api_keys')
          .set({ spent: sql`spent + ${carved}` })
          .where('id', '=', creatorId)
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .where((eb) =>
            eb.or([eb('spend_cap', 'is', null), eb(sql`spent + ${carved}`, '<=', eb.ref('spend_cap'))]),
          )
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) {
          const left = await trx
            .selectFrom('api_keys')
            .select(['spend_cap', 'spent', 'revoked_at'])
            .where('id', '=', creatorId)
            .executeTakeFirstOrThrow();
          if (left.revoked_at !== null || left.spend_cap === null || left.spent + carved <= left.spend_cap) {
            throw unauthorized('The key making this one was revoked or has expired');
          }
          throw new HubError(
            403,
            'spend_cap_reached',
            `spendCap: the key making this one has ${unitsToCredits(Math.max(0, left.spend_cap - left.spent))} credits left`,
          );
        }
        await trx.insertInto('api_keys').values(row).execute();
        await recordAudit(trx, created);
      });
      return { key, row };
    },
    list(owner) {
      const { userId, keyId } = ownerOf(owner);
      let query = db.selectFrom('api_keys').selectAll().where('user_id', '=', userId);
      if (keyId !== undefined) query = query.where('created_by_key_id', '=', keyId);
      return query.orderBy('id').execute();
    },
    async revoke(owner, id) {
      const { userId, keyId } = ownerOf(owner);
      let query = db
        .selectFrom('api_keys')
        .select(['key_hash', 'revoked_at'])
        .where('id', '=', id)
        .where('user_id', '=', userId);
      if (keyId !== undefined) query = query.where('created_by_key_id', '=', keyId);
      const row = await query.executeTakeFirst();
      if (!row) throw notFound('API key');
      const revoked = await db.transaction().execute(async (trx) => {
        const now = Date.now();
        // The key first: a key being made under it meanwhile either waits for this (and is found
        // below) or finds it revoked (see `create`).
        const first = await trx
          .updateTable('api_keys')
          .set({ revoked_at: now })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        const hashes = [row.key_hash];
        const alsoRevoked: string[] = [];
        let frontier = [id];
        while (frontier.length > 0) {
          const made = await trx
            .updateTable('api_keys')
            .set({ revoked_at: now })
            .where('created_by_key_id', 'in', frontier)
            .where('revoked_at', 'is', null)
            .returning(['id', 'key_hash'])
            .execute();
          hashes.push(...made.map((k) => k.key_hash));
          frontier = made.map((k) => k.id);
          alsoRevoked.push(...frontier);
        }
        const revokedIds = [...(Number(first.numUpdatedRows) === 1 ? [id] : []), ...alsoRevoked];
        for (const keyId of revokedIds) {
          await recordAudit(trx, {
            action: 'api_key.revoked',
            userId,
            target: { type: 'api_key', id: keyId },
            ...(keyId === id ? {} : { details: { cause: `made under the revoked key ${id}` } }),
          });
        }
        return hashes;
      });
      for (const hash of revoked) cache.delete(hash);
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
            'api_keys.scopes',
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
                scopes: new Set(parseScopes(row.scopes)),
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
      const { disabled: _d, ...resolved } = entry;
      return resolved;
    },
    invalidate() {
      cache.clear();
    },
  };
}
