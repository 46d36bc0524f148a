import type { onRequestAsyncHookHandler } from 'fastify';
import type { Permission } from '../domains/auth/principal.js';
import type { HubContext } from '../hub/hub-context.js';
import { forbidden, unauthorized } from './hub-error.js';

/**
 * A hook that lets the request through only when it authenticates and holds every listed
 * permission; sets `request.principal`. 401 without valid credentials, 403 without a permission.
 * Use it as the route's `onRequest`, so that an anonymous caller learns nothing about the body
 * (401 comes before validation's 400).
 */
export function requireAuth(hub: HubContext, ...permissions: Permission[]): onRequestAsyncHookHandler {
  return async (request) => {
    const principal = await hub.authenticate(request);
    if (!principal) throw unauthorized();
    const missing = permissions.filter((p) => !principal.permissions.has(p));
    if (missing.length > 0) throw forbidden(`This needs the permission ${missing.join(', ')}`);
    request.principal = principal;
  };
}
