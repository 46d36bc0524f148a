import type { HubDomain } from '../../hub/hub-domain.js';
import { announceMail, createMailTransport } from '../../mail/mail-transport.js';
import { adminUserRoutes } from '../accounts/admin-user-routes.js';
import { createUsersService, type UsersService } from '../accounts/users-service.js';
import { grantSignupCredits } from '../credits/signup-credits.js';
import { type AccessTokens, createAccessTokens } from './access-tokens.js';
import { apiKeyRoutes } from './api-key-routes.js';
import { type ApiKeysService, createApiKeysService } from './api-keys.js';
import { createAuthMailer } from './auth-mailer.js';
import { authRoutes } from './auth-routes.js';
import { type AuthService, createAuthService } from './auth-service.js';
import { type Authenticator, createAuthenticator } from './authenticator.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { createFlowThrottle } from './flow-throttle.js';
import { createIdentitiesService, type IdentitiesService } from './identities.js';
import { createLoginThrottle } from './login-throttle.js';
import { meRoutes } from './me-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { createOneTimeTokens } from './one-time-tokens.js';
import { createPasswordHasher, OWASP_SCRYPT, TEST_SCRYPT } from './password-hasher.js';
import { createSessionsService, type SessionsService } from './sessions.js';
import { createTrustedIssuer } from './trusted-issuer.js';
import './host-auth.js';

declare module '../../hub/hub-context.js' {
  interface HubServices {
    /** Users: create, find, update (accounts). */
    users: UsersService;
    /** Password, session, email-link and admin flows. */
    auth: AuthService;
    apiKeys: ApiKeysService;
    sessions: SessionsService;
    accessTokens: AccessTokens;
    identities: IdentitiesService;
    authenticator: Authenticator;
  }
}

/**
 * Accounts and authentication: users, passwords, sessions with rotating refresh tokens, JWT access
 * tokens, API keys, OAuth, the host hook and trusted OIDC tokens. Installs `hub.authenticate`.
 */
export const authDomain: HubDomain = {
  name: 'auth',
  setup(hub, options) {
    const { env } = hub.config;
    const cost = env.HUB_PASSWORD_HASH_COST ?? (env.NODE_ENV === 'test' ? 'test' : 'owasp');
    const hasher = createPasswordHasher(cost === 'test' ? TEST_SCRYPT : OWASP_SCRYPT);
    const users = createUsersService(hub.db, hasher);
    const sessions = createSessionsService(hub.db, {
      ttlMs: env.HUB_SESSION_TTL * 1000,
      cache: hub.coordination.cache,
    });
    const accessTokens = createAccessTokens({
      key: hub.secret.deriveKey('jwt'),
      legacyIssuers: [hub.config.publicUrl],
      ttlSeconds: env.HUB_ACCESS_TOKEN_TTL,
    });
    const apiKeys = createApiKeysService(hub.db);
    const identities = createIdentitiesService(hub.db, users);
    const authenticator = createAuthenticator({
      accessTokens,
      sessions,
      apiKeys,
      users,
      identities,
      host: options.authenticate,
      trustedIssuer: env.HUB_OIDC_ISSUER
        ? createTrustedIssuer({
            issuer: env.HUB_OIDC_ISSUER,
            audience: env.HUB_OIDC_AUDIENCE ?? 'smart-ai-hub',
            jwksUrl: env.HUB_OIDC_JWKS_URL,
          })
        : undefined,
    });
    const mail = createMailTransport({
      smtpUrl: env.SMTP_URL,
      devMail: env.HUB_DEV_MAIL,
      from: env.SMTP_FROM,
      log: hub.log,
    });
    announceMail(mail, hub.log);
    hub.onClose(() => mail.close());
    const mailer = createAuthMailer(mail, hub.log);
    const auth = createAuthService({
      db: hub.db,
      users,
      sessions,
      accessTokens,
      apiKeys,
      hasher,
      oneTimeTokens: createOneTimeTokens(hub.db),
      mailer,
      throttle: createLoginThrottle(hub.coordination.rateLimiter),
      flows: createFlowThrottle(hub.coordination.rateLimiter),
      authenticator,
      publicUrl: hub.config.publicUrl,
      onSignUp: (user) => grantSignupCredits(hub, user.id),
      log: hub.log,
    });
    Object.assign(hub.services, { users, auth, apiKeys, sessions, accessTokens, identities, authenticator });
    hub.authenticate = authenticator.authenticate;
  },
  async routes(app, hub) {
    await authRoutes(app, hub);
    await oauthRoutes(app, hub);
    await meRoutes(app, hub);
    await apiKeyRoutes(app, hub);
    await adminUserRoutes(app, hub);
  },
  async start(hub) {
    // Test suites make their own users; a generated admin there would only print noise.
    if (hub.config.env.NODE_ENV === 'test' && !hub.config.env.HUB_ADMIN_EMAIL) return;
    await bootstrapAdmin(hub.services.users, hub.config);
  },
};
