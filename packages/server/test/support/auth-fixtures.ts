import { randomBytes } from 'node:crypto';
import type { User } from '@smart-ai-hub/adapters';
import { API_KEY_SCOPES } from '@smart-ai-hub/sdk';
import type { Role } from '../../src/domains/auth/principal.js';
import type { HubContext } from '../../src/hub/hub-context.js';
import type { TestHub } from './test-hub.js';

export interface TestUser {
  /** The database row (ids, role, email). */
  user: User;
  /** The password it signs in with. */
  password: string;
  /** A JWT access token of a live session (`Authorization: Bearer ...`). */
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  /** An API key (`sk-hub-...`) with every scope, and no expiry, model restriction or cap. */
  apiKey: string;
  apiKeyId: string;
  /** `{ authorization: 'Bearer <accessToken>' }`, for `inject({ headers })`. */
  headers: { authorization: string };
}

/**
 * A real user made through the real services, with a session and an API key: other suites get
 * working credentials in one call. `createUser(t)` or `createUser(t, { role: 'admin' })`.
 */
export async function createUser(
  target: TestHub | HubContext,
  options: { role?: Role; email?: string; name?: string; password?: string; emailVerified?: boolean } = {},
): Promise<TestUser> {
  const hub = 'hub' in target ? target.hub : target;
  const { users, auth, apiKeys } = hub.services;
  const password = options.password ?? `pw-${randomBytes(12).toString('hex')}`;
  const email = options.email ?? `user-${randomBytes(6).toString('hex')}@example.test`;
  const user = await users.create({
    email,
    password,
    name: options.name ?? null,
    role: options.role ?? 'user',
    emailVerified: options.emailVerified ?? true,
  });
  const tokens = await auth.issueTokens(user, { userAgent: 'auth-fixtures', ip: '127.0.0.1' });
  const { key, row } = await apiKeys.create(user.id, { name: 'fixture key', scopes: API_KEY_SCOPES });
  const sessionId = (await hub.services.accessTokens.verify(tokens.accessToken))!.sessionId!;
  return {
    user,
    password,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    sessionId,
    apiKey: key,
    apiKeyId: row.id,
    headers: { authorization: `Bearer ${tokens.accessToken}` },
  };
}
