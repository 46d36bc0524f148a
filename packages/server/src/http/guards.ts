import type { ApiKeyScope } from '@smart-ai-hub/sdk';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { Permission, Principal } from '../domains/auth/principal.js';
import type { HubContext } from '../hub/hub-context.js';
import { forbidden, HubError, unauthorized } from './hub-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The scope an API key needs on this route (`config: { apiKeyScope: 'models:call' }`).
     * Without one, the route takes a signed-in session and every key is refused. Sessions keep
     * the full rights of their role whatever this says.
     */
    apiKeyScope?: ApiKeyScope;
  }
}

/**
 * Why `principal` may not call a route that needs `permissions` (of its role) and, for an API
 * key, `apiKeyScope`; null when it may. 403 `forbidden` for a missing permission, 403
 * `insufficient_scope` (naming the scope) for a key without the route's scope.
 */
export function accessRefusal(
  principal: Principal,
  permissions: readonly Permission[],
  apiKeyScope: ApiKeyScope | undefined,
): HubError | null {
  const missing = permissions.filter((p) => !principal.permissions.has(p));
  if (missing.length > 0) return forbidden(`This needs the permission ${missing.join(', ')}`);
  const key = principal.apiKey;
  if (!key || (apiKeyScope !== undefined && key.scopes.has(apiKeyScope))) return null;
  return apiKeyScope === undefined
    ? new HubError(403, 'insufficient_scope', 'This takes a signed-in session: no API key may do it')
    : new HubError(403, 'insufficient_scope', `This API key lacks the scope ${apiKeyScope}`, {
        requiredScope: apiKeyScope,
      });
}

/**
 * A hook that lets the request through only when it authenticates and holds every listed
 * permission, and, for an API key, the route's `config.apiKeyScope`; sets `request.principal`.
 * 401 without valid credentials, 403 otherwise (see {@link accessRefusal}). Use it as the
 * route's `onRequest`, so that an anonymous caller learns nothing about the body (401 comes
 * before validation's 400).
 */
export function requireAuth(hub: HubContext, ...permissions: Permission[]): onRequestAsyncHookHandler {
  return async (request) => {
    const principal = await hub.authenticate(request);
    if (!principal) throw unauthorized();
    const refusal = accessRefusal(principal, permissions, request.routeOptions.config.apiKeyScope);
    if (refusal) throw refusal;
    request.principal = principal;
  };
}
