import type { Database, User } from '@smart-ai-hub/adapters';
import type { AuthTokens, RegisterRequest } from '@smart-ai-hub/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { HubError } from '../../http/hub-error.js';
import { normalizeEmail, toHubUser, type UsersService } from '../accounts/users-service.js';
import { recordAudit } from '../audit/record-audit.js';
import type { AccessTokens } from './access-tokens.js';
import type { ApiKeysService } from './api-keys.js';
import type { AuthMailer } from './auth-mailer.js';
import type { Authenticator } from './authenticator.js';
import type { FlowThrottle } from './flow-throttle.js';
import type { LoginThrottle } from './login-throttle.js';
import type { OneTimeTokens } from './one-time-tokens.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertAcceptablePassword } from './password-policy.js';
import type { SessionMeta, SessionsService } from './sessions.js';

const VERIFY_EMAIL_TTL_MS = 48 * 3600_000;
const RESET_PASSWORD_TTL_MS = 3600_000;
/** The longest an admin-minted access token may live. */
export const MAX_MINTED_TOKEN_SECONDS = 3600;

const invalidCredentials = () => new HubError(401, 'invalid_credentials', 'The email or password is wrong');

export interface AuthServiceParts {
  /** For the audit records of actions that write nothing else (a failed sign-in, a minted token). */
  db: Kysely<Database>;
  users: UsersService;
  sessions: SessionsService;
  accessTokens: AccessTokens;
  apiKeys: ApiKeysService;
  hasher: PasswordHasher;
  oneTimeTokens: OneTimeTokens;
  mailer: AuthMailer;
  throttle: LoginThrottle;
  /** Per-source throttles of register, forgot-password and reset-password. */
  flows: FlowThrottle;
  authenticator: Authenticator;
  /** The hub's public URL: the only source of hosts in email links. */
  publicUrl: string;
  /** Runs for each account made by sign-up, before its first session (the sign-up credits). */
  onSignUp?: (user: User) => Promise<void>;
  log: FastifyBaseLogger;
}

/** The password and session flows of the auth domain, independent of HTTP. */
export function createAuthService(parts: AuthServiceParts) {
  const { users, sessions, accessTokens, hasher, oneTimeTokens, mailer } = parts;

  const service = {
    /** Starts a session for the user: the answer of register, login and OAuth sign-in. */
    async issueTokens(user: User, meta: SessionMeta): Promise<AuthTokens> {
      const { sessionId, refreshToken } = await sessions.start(user.id, meta);
      const accessToken = await accessTokens.sign(user.id, { sessionId });
      return { user: toHubUser(user), accessToken, refreshToken, expiresIn: accessTokens.ttlSeconds };
    },

    async register(input: RegisterRequest, meta: SessionMeta & { ip: string }): Promise<AuthTokens> {
      await parts.flows.attempt('register', meta.ip);
      assertAcceptablePassword(input.password, input.email, input.name);
      const user = await users.create({
        email: input.email,
        password: input.password,
        name: input.name ?? null,
      });
      await parts.onSignUp?.(user);
      // A mail outage must not fail sign-up: the user can ask for the link again.
      service
        .sendVerification(user)
        .catch((error) => parts.log.error({ err: error }, 'verification email failed'));
      return service.issueTokens(user, { ...meta, method: 'sign_up' });
    },

    async login(email: string, password: string, meta: SessionMeta & { ip: string }): Promise<AuthTokens> {
      const normalized = normalizeEmail(email);
      await parts.throttle.attempt(normalized, meta.ip);
      const user = await users.findByEmail(normalized);
      const failed = async (reason: string) => {
        await recordAudit(parts.db, {
          action: 'auth.sign_in_failed',
          userId: user?.id ?? null,
          target: { type: 'user', id: user?.id ?? null },
          details: { reason, email: normalized },
        });
      };
      if (!user?.password_hash) {
        await hasher.burn(password);
        await failed(user ? 'no_password' : 'unknown_account');
        throw invalidCredentials();
      }
      if (!(await hasher.verify(password, user.password_hash))) {
        await failed('wrong_password');
        throw invalidCredentials();
      }
      if (user.disabled_at !== null) {
        await failed('account_disabled');
        throw new HubError(403, 'forbidden', 'This account is disabled');
      }
      await parts.throttle.succeeded(normalized, meta.ip);
      return service.issueTokens(user, { ...meta, method: 'password' });
    },

    /** Rotates the refresh token; `meta` names the client, for the grace of concurrent refreshes. */
    async refresh(refreshToken: string, meta: SessionMeta = {}): Promise<AuthTokens> {
      const rotated = await sessions.rotate(refreshToken, meta);
      const user = await users.findById(rotated.userId);
      if (!user || user.disabled_at !== null) {
        await sessions.revokeAllForUser(rotated.userId, 'user_disabled');
        throw new HubError(
          401,
          'invalid_token',
          'The refresh token is invalid, expired or revoked: sign in again',
        );
      }
      const accessToken = await accessTokens.sign(user.id, { sessionId: rotated.sessionId });
      return {
        user: toHubUser(user),
        accessToken,
        refreshToken: rotated.refreshToken,
        expiresIn: accessTokens.ttlSeconds,
      };
    },

    logout: (refreshToken: string) => sessions.revokeByRefreshToken(refreshToken),

    /** Emails a verification link (no-op for an already verified email). */
    async sendVerification(user: User): Promise<void> {
      if (user.email_verified_at !== null) return;
      const token = await oneTimeTokens.issue(user.id, 'verify_email', VERIFY_EMAIL_TTL_MS);
      const link = `${parts.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
      await mailer.send({
        to: user.email,
        subject: 'Confirm your email for Smart AI Hub',
        text: `Confirm your email address by opening this link (valid for 48 hours):\n\n${link}\n\nIf you did not sign up, ignore this email.`,
      });
    },

    async verifyEmail(token: string): Promise<void> {
      const userId = await oneTimeTokens.consume(token, 'verify_email');
      if (!userId)
        throw new HubError(400, 'invalid_token', 'The verification link is invalid, used or expired');
      await users.markEmailVerified(userId);
    },

    /**
     * `forgot-password`: counts the request against its source (429 past the limit, whatever the
     * account), then emails a reset link in the background when the account exists, so that
     * neither the answer nor its timing tells whether it does.
     */
    async requestPasswordReset(email: string, source: string): Promise<void> {
      await parts.flows.attempt('forgotPassword', source);
      service
        .forgotPassword(email)
        .catch((error) => parts.log.error({ err: error }, 'password reset email failed'));
    },

    /** Emails a reset link when the account exists (a few per account an hour at most). */
    async forgotPassword(email: string): Promise<void> {
      const user = await users.findByEmail(email);
      if (!user || user.disabled_at !== null) return;
      if (!(await parts.flows.mayMailReset(user.email))) {
        parts.log.info('password reset email not sent: this account had its hourly share');
        return;
      }
      const token = await oneTimeTokens.issue(user.id, 'reset_password', RESET_PASSWORD_TTL_MS);
      const link = `${parts.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
      await mailer.send({
        to: user.email,
        subject: 'Reset your Smart AI Hub password',
        text: `Choose a new password by opening this link (valid for 1 hour):\n\n${link}\n\nIf you did not ask for this, ignore this email: your password stays as it is.`,
      });
    },

    /** Sets a new password from a reset link; ends every session of the user and tells them by email. */
    async resetPassword(token: string, password: string, source: string): Promise<void> {
      await parts.flows.attempt('resetPassword', source);
      const userId = await oneTimeTokens.consume(token, 'reset_password');
      if (!userId) throw new HubError(400, 'invalid_token', 'The reset link is invalid, used or expired');
      const user = await users.get(userId);
      assertAcceptablePassword(password, user.email, user.name);
      await users.setPassword(userId, password, 'reset');
      // Whoever follows the emailed link controls the inbox.
      await users.markEmailVerified(userId);
      await sessions.revokeAllForUser(userId, 'password_reset');
      service.notifyPasswordChanged(user, 'reset');
    },

    /** Changes the password after checking the current one; ends every session of the user. */
    async changePassword(userId: string, current: string, next: string): Promise<void> {
      const user = await users.get(userId);
      if (!user.password_hash || !(await hasher.verify(current, user.password_hash))) {
        throw new HubError(401, 'invalid_credentials', 'The current password is wrong');
      }
      assertAcceptablePassword(next, user.email, user.name);
      await users.setPassword(userId, next, 'changed');
      await sessions.revokeAllForUser(userId, 'password_changed');
      service.notifyPasswordChanged(user, 'changed');
    },

    /** Tells the user their password was reset or changed (in the background: a mail outage fails nothing). */
    notifyPasswordChanged(user: User, how: 'reset' | 'changed'): void {
      mailer
        .send({
          to: user.email,
          subject: `Your Smart AI Hub password was ${how}`,
          text: `The password of your Smart AI Hub account (${user.email}) was ${how} ${
            how === 'reset' ? 'through an emailed reset link' : 'from a signed-in session'
          }, and every session of the account was signed out.\n\nIf this was not you, ask for a password reset at ${parts.publicUrl} at once and tell your administrator.`,
        })
        .catch((error) => parts.log.error({ err: error }, 'password change email failed'));
    },

    /** A short-lived access token without a session (admin acting for a host backend). */
    async mintAccessToken(userId: string, expiresIn = accessTokens.ttlSeconds) {
      const user = await users.get(userId);
      if (user.disabled_at !== null) throw new HubError(409, 'conflict', 'The user is disabled');
      const seconds = Math.min(expiresIn, MAX_MINTED_TOKEN_SECONDS);
      // Recorded before the token exists: no token is ever minted unrecorded.
      await recordAudit(parts.db, {
        action: 'auth.token_minted',
        userId,
        target: { type: 'user', id: userId },
        details: { expiresIn: seconds },
      });
      return { accessToken: await accessTokens.sign(userId, { expiresIn: seconds }), expiresIn: seconds };
    },

    /** Changes role / disabled / name; disabling ends sessions and refuses keys at once on this node. */
    async updateUser(
      userId: string,
      input: { role?: User['role']; disabled?: boolean; name?: string | null },
    ) {
      const user = await users.update(userId, input);
      if (input.disabled) await sessions.revokeAllForUser(userId, 'user_disabled');
      parts.authenticator.invalidateUser(userId);
      return user;
    },
  };
  return service;
}

export type AuthService = ReturnType<typeof createAuthService>;
