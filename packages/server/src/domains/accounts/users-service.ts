import type { Database } from '@smart-ai-hub/adapters';
import { isUniqueViolation, newId, type User } from '@smart-ai-hub/adapters';
import type { HubUser, UserRole } from '@smart-ai-hub/sdk';
import { type Kysely, sql } from 'kysely';
import { HubError, notFound } from '../../http/hub-error.js';
import { recordAudit } from '../audit/record-audit.js';
import type { PasswordHasher } from '../auth/password-hasher.js';

export interface CreateUserInput {
  email: string;
  /** Plain password (hashed here); omit for OAuth / host-only users. Policy is the caller's job. */
  password?: string;
  name?: string | null;
  role?: UserRole;
  emailVerified?: boolean;
}

export interface UpdateUserInput {
  name?: string | null;
  role?: UserRole;
  disabled?: boolean;
}

/**
 * The accounts domain's users: create, find, update, disable. Knows nothing of HTTP or sessions
 * (revoking a disabled user's sessions is the auth service's job).
 */
export interface UsersService {
  /** Throws 409 `email_taken` when the email (case-insensitive) exists. */
  create(input: CreateUserInput): Promise<User>;
  findById(id: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  /** Throws 404 when absent. */
  get(id: string): Promise<User>;
  update(id: string, input: UpdateUserInput): Promise<User>;
  /** Hashes and stores a new password; `how` names it in the audit log (changed by the user, or reset by link). */
  setPassword(id: string, password: string, how: 'changed' | 'reset'): Promise<void>;
  markEmailVerified(id: string): Promise<void>;
  /** Users in id (creation) order, after `cursor`; `q` keeps those whose email or name contains it (any case). */
  list(options: {
    cursor?: string;
    limit: number;
    q?: string;
  }): Promise<{ users: User[]; nextCursor: string | null }>;
  /** True when at least one admin exists. */
  hasAdmin(): Promise<boolean>;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function createUsersService(db: Kysely<Database>, hasher: PasswordHasher): UsersService {
  const service: UsersService = {
    async create(input) {
      const now = Date.now();
      const user: User = {
        id: newId('usr'),
        email: normalizeEmail(input.email),
        password_hash: input.password === undefined ? null : await hasher.hash(input.password),
        name: input.name ?? null,
        role: input.role ?? 'user',
        email_verified_at: input.emailVerified ? now : null,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      };
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('users').values(user).execute();
          await recordAudit(trx, {
            action: 'user.created',
            userId: user.id,
            target: { type: 'user', id: user.id },
            changes: {
              after: {
                email: user.email,
                name: user.name,
                role: user.role,
                emailVerified: input.emailVerified === true,
              },
            },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new HubError(409, 'email_taken', 'An account with this email already exists');
        }
        throw error;
      }
      return user;
    },
    findById: (id) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    findByEmail: (email) =>
      db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst(),
    async get(id) {
      const user = await service.findById(id);
      if (!user) throw notFound('User');
      return user;
    },
    async update(id, input) {
      const user = await service.get(id);
      const now = Date.now();
      const changes = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.disabled !== undefined
          ? { disabled_at: input.disabled ? (user.disabled_at ?? now) : null }
          : {}),
        updated_at: now,
      };
      const after = { ...user, ...changes };
      const target = { type: 'user', id };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set(changes).where('id', '=', id).execute();
        if (after.role !== user.role) {
          await recordAudit(trx, {
            action: 'user.role_changed',
            userId: id,
            target,
            changes: { before: { role: user.role }, after: { role: after.role } },
          });
        }
        if ((after.disabled_at === null) !== (user.disabled_at === null)) {
          await recordAudit(trx, {
            action: after.disabled_at === null ? 'user.enabled' : 'user.disabled',
            userId: id,
            target,
            changes: {
              before: { disabled: user.disabled_at !== null },
              after: { disabled: after.disabled_at !== null },
            },
          });
        }
      });
      return after;
    },
    async setPassword(id, password, how) {
      const hash = await hasher.hash(password);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ password_hash: hash, updated_at: Date.now() })
          .where('id', '=', id)
          .execute();
        await recordAudit(trx, {
          action: how === 'reset' ? 'auth.password_reset' : 'auth.password_changed',
          userId: id,
          target: { type: 'user', id },
        });
      });
    },
    async markEmailVerified(id) {
      const now = Date.now();
      await db
        .updateTable('users')
        .set({ email_verified_at: now, updated_at: now })
        .where('id', '=', id)
        .where('email_verified_at', 'is', null)
        .execute();
    },
    async list({ cursor, limit, q }) {
      let query = db
        .selectFrom('users')
        .selectAll()
        .orderBy('id')
        .limit(limit + 1);
      if (cursor) query = query.where('id', '>', cursor);
      if (q) {
        const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where(
          sql<boolean>`(lower(email) like ${pattern} escape '\\' or lower(coalesce(name, '')) like ${pattern} escape '\\')`,
        );
      }
      const rows = await query.execute();
      const users = rows.slice(0, limit);
      return { users, nextCursor: rows.length > limit ? users.at(-1)!.id : null };
    },
    async hasAdmin() {
      const row = await db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
  return service;
}

/** A user as the API shows it. */
export function toHubUser(user: User): HubUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    emailVerified: user.email_verified_at !== null,
    disabled: user.disabled_at !== null,
    createdAt: new Date(user.created_at).toISOString(),
  };
}
