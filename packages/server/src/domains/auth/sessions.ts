import { type Cache, type Database, newId, type SessionsTable } from '@smart-ai-hub/adapters';
import type { Kysely, Selectable } from 'kysely';
import { HubError, notFound } from '../../http/hub-error.js';
import { recordAudit, userActor } from '../audit/record-audit.js';
import { openGraceEntry, sealGraceEntry } from './refresh-grace.js';
import { hashSecret, newSecretToken } from './secret-token.js';
import { TtlCache } from './ttl-cache.js';

export type SessionRow = Selectable<SessionsTable>;

/** How stale the "is this session still live" answer may be for access tokens on another replica. */
export const SESSION_CACHE_MS = 5_000;
/**
 * How long after a rotation the same refresh token, from the same client (user agent), still gets
 * the successor it was rotated to instead of counting as reuse: tabs that refresh together.
 */
export const REFRESH_GRACE_MS = 10_000;

export interface SessionMeta {
  userAgent?: string | null;
  ip?: string | null;
  /** How the user signed in (`password`, `sign_up`, `oauth:github`): kept in the audit record. */
  method?: string;
}

const invalidRefresh = () =>
  new HubError(401, 'invalid_token', 'The refresh token is invalid, expired or revoked: sign in again');

/**
 * Sign-in sessions. Each is a refresh-token family: every refresh rotates the token; presenting a
 * token that was already rotated revokes the whole family (someone else holds a copy), except
 * within {@link REFRESH_GRACE_MS} of its rotation, from the same client, while its successor is
 * unused: then it answers that same successor (several tabs refreshing at once).
 */
export interface SessionsService {
  start(userId: string, meta: SessionMeta): Promise<{ sessionId: string; refreshToken: string }>;
  /**
   * Exchanges a refresh token for a new one. Throws 401 `invalid_token` for an unknown, expired or
   * revoked token, and for a reused one (after revoking its family).
   */
  rotate(
    refreshToken: string,
    meta?: SessionMeta,
  ): Promise<{ userId: string; sessionId: string; refreshToken: string }>;
  /** Revokes the session of this refresh token (logout); unknown tokens are ignored. */
  revokeByRefreshToken(refreshToken: string): Promise<void>;
  /** Revokes one of the user's sessions; 404 when it is not theirs. */
  revokeOwn(userId: string, sessionId: string): Promise<void>;
  revokeAllForUser(userId: string, reason: string): Promise<void>;
  /** The user's live sessions, newest first. */
  listActive(userId: string): Promise<SessionRow[]>;
  /** True while the user's session is neither revoked nor expired (cached {@link SESSION_CACHE_MS}). */
  isActive(sessionId: string, userId: string): Promise<boolean>;
}

export interface SessionsOptions {
  /** How long a session (its refresh-token family) lives, ms. */
  ttlMs: number;
  /** The coordination cache that carries a rotation's successor through the grace (shared by replicas). */
  cache: Cache;
  /** Default {@link REFRESH_GRACE_MS}. */
  graceMs?: number;
  /** The clock (tests move it past the grace). */
  now?: () => number;
}

export function createSessionsService(db: Kysely<Database>, options: SessionsOptions): SessionsService {
  const { cache, graceMs = REFRESH_GRACE_MS, now: clock = Date.now } = options;
  const graceKey = (tokenHash: string) => `auth:refresh-grace:${tokenHash}`;
  const activeCache = new TtlCache<{ userId: string; expiresAt: number } | null>(SESSION_CACHE_MS);

  async function revoke(sessionId: string, reason: string, action = 'auth.session_revoked') {
    await db.transaction().execute(async (trx) => {
      const revoked = await trx
        .updateTable('sessions')
        .set({ revoked_at: Date.now(), revoked_reason: reason })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .returning('user_id')
        .executeTakeFirst();
      if (revoked) {
        await recordAudit(trx, {
          action,
          userId: revoked.user_id,
          target: { type: 'session', id: sessionId },
          details: { reason },
        });
      }
    });
    activeCache.delete(sessionId);
  }

  async function issueRefresh(
    trx: Kysely<Database>,
    sessionId: string,
    expiresAt: number,
    refreshToken = newSecretToken('rt_'),
  ) {
    await trx
      .insertInto('refresh_tokens')
      .values({
        id: newId('rtk'),
        session_id: sessionId,
        token_hash: hashSecret(refreshToken),
        created_at: Date.now(),
        expires_at: expiresAt,
        rotated_at: null,
      })
      .execute();
    return refreshToken;
  }

  return {
    async start(userId, meta) {
      const now = Date.now();
      const sessionId = newId('ses');
      const expiresAt = now + options.ttlMs;
      const refreshToken = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('sessions')
          .values({
            id: sessionId,
            user_id: userId,
            user_agent: meta.userAgent?.slice(0, 512) ?? null,
            ip: meta.ip ?? null,
            created_at: now,
            last_used_at: now,
            expires_at: expiresAt,
            revoked_at: null,
            revoked_reason: null,
          })
          .execute();
        const token = await issueRefresh(trx, sessionId, expiresAt);
        await recordAudit(trx, {
          action: 'auth.signed_in',
          actor: userActor(userId),
          userId,
          target: { type: 'session', id: sessionId },
          ...(meta.method ? { details: { method: meta.method } } : {}),
        });
        return token;
      });
      return { sessionId, refreshToken };
    },

    async rotate(refreshToken, meta = {}) {
      const now = clock();
      const tokenHash = hashSecret(refreshToken);
      const row = await db
        .selectFrom('refresh_tokens')
        .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
        .select([
          'refresh_tokens.id',
          'refresh_tokens.session_id',
          'refresh_tokens.rotated_at',
          'refresh_tokens.expires_at',
          'sessions.user_id',
          'sessions.revoked_at',
          'sessions.expires_at as session_expires_at',
        ])
        .where('refresh_tokens.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row || row.revoked_at !== null || row.expires_at <= now || row.session_expires_at <= now) {
        throw invalidRefresh();
      }
      const answer = (next: string) => ({
        userId: row.user_id,
        sessionId: row.session_id,
        refreshToken: next,
      });

      /** The successor this token was rotated to, when the grace allows handing it out again. */
      async function successorInGrace(): Promise<string | null> {
        if (row!.rotated_at !== null && now - row!.rotated_at > graceMs) return null;
        const sealed = await cache.get(graceKey(tokenHash));
        const entry = sealed ? openGraceEntry(sealed, refreshToken) : null;
        if (!entry || entry.userAgent !== (meta.userAgent ?? null)) return null;
        const successor = await db
          .selectFrom('refresh_tokens')
          .select('rotated_at')
          .where('token_hash', '=', hashSecret(entry.successor))
          .executeTakeFirst();
        // Unused successor: hand it out again. Not written yet: its rotation is still committing.
        // Already rotated itself: the client moved on, so this is a copy coming back.
        if (successor ? successor.rotated_at !== null : row!.rotated_at !== null) return null;
        return entry.successor;
      }
      async function reuse(): Promise<never> {
        await revoke(row!.session_id, 'refresh_token_reuse', 'auth.refresh_token_reused');
        throw invalidRefresh();
      }

      if (row.rotated_at !== null) {
        const again = await successorInGrace();
        return again ? answer(again) : reuse();
      }
      // Claim the rotation in the coordination store first: a concurrent presentation of this
      // token then finds the successor there instead of counting as reuse.
      const next = newSecretToken('rt_');
      const sealed = sealGraceEntry({ successor: next, userAgent: meta.userAgent ?? null }, refreshToken);
      if (!(await cache.setIfAbsent(graceKey(tokenHash), sealed, graceMs))) {
        const again = await successorInGrace();
        return again ? answer(again) : reuse();
      }
      let claimed: boolean;
      try {
        claimed = await db.transaction().execute(async (trx) => {
          // The guard makes the exchange single-use even when two requests race with one token.
          const update = await trx
            .updateTable('refresh_tokens')
            .set({ rotated_at: now })
            .where('id', '=', row.id)
            .where('rotated_at', 'is', null)
            .executeTakeFirst();
          if (Number(update.numUpdatedRows) !== 1) return false;
          await trx
            .updateTable('sessions')
            .set({ last_used_at: now })
            .where('id', '=', row.session_id)
            .execute();
          await issueRefresh(trx, row.session_id, row.session_expires_at, next);
          return true;
        });
      } catch (error) {
        // Nothing was rotated: the successor must not be handed out.
        await cache.delete(graceKey(tokenHash));
        throw error;
      }
      return claimed ? answer(next) : reuse();
    },

    async revokeByRefreshToken(refreshToken) {
      const row = await db
        .selectFrom('refresh_tokens')
        .select('session_id')
        .where('token_hash', '=', hashSecret(refreshToken))
        .executeTakeFirst();
      if (row) await revoke(row.session_id, 'logout');
    },

    async revokeOwn(userId, sessionId) {
      const row = await db
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', sessionId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) throw notFound('Session');
      await revoke(sessionId, 'revoked_by_user');
    },

    async revokeAllForUser(userId, reason) {
      const rows = await db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('sessions')
          .set({ revoked_at: Date.now(), revoked_reason: reason })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        if (revoked.length > 0) {
          await recordAudit(trx, {
            action: 'auth.session_revoked',
            userId,
            target: { type: 'user', id: userId },
            details: { reason, sessionIds: revoked.map((r) => r.id) },
          });
        }
        return revoked;
      });
      for (const r of rows) activeCache.delete(r.id);
    },

    listActive: (userId) =>
      db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', Date.now())
        .orderBy('id', 'desc')
        .execute(),

    async isActive(sessionId, userId) {
      let entry = activeCache.get(sessionId);
      if (entry === undefined) {
        const row = await db
          .selectFrom('sessions')
          .select(['user_id', 'expires_at', 'revoked_at'])
          .where('id', '=', sessionId)
          .executeTakeFirst();
        entry = row && row.revoked_at === null ? { userId: row.user_id, expiresAt: row.expires_at } : null;
        activeCache.set(sessionId, entry);
      }
      return entry !== null && entry.userId === userId && entry.expiresAt > Date.now();
    },
  };
}
