import type { ApiKeyScope } from '@smart-ai-hub/sdk';

/** The roles of the hub and what each may do (the seed's RBAC). */
export const ROLES = ['admin', 'moderator', 'user'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'read:users',
  'write:users',
  'read:credits',
  'write:credits',
  'access:ai_models',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  moderator: ['read:users', 'read:credits', 'access:ai_models'],
  user: ['read:credits', 'write:credits', 'access:ai_models'],
};

/** Who is making a request, however they proved it. */
export interface Principal {
  userId: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** How the request authenticated. */
  via: 'access_token' | 'api_key' | 'host' | 'oidc';
  /** The session behind an access token. */
  sessionId?: string;
  /**
   * The API key, when the request used one, with the limits it carries. A key reaches only the
   * routes its scopes name (see `requireAuth`); without a key, the role's full rights apply.
   */
  apiKey?: {
    id: string;
    scopes: ReadonlySet<ApiKeyScope>;
    /** Model names (ids or aliases) the key may call, or null for every model. */
    allowedModels: readonly string[] | null;
    /** Credit units, or null for no cap. */
    spendCap: number | null;
    /** Epoch ms, or null for a key that does not expire. */
    expiresAt: number | null;
  };
}

export function principalFor(
  userId: string,
  role: Role,
  via: Principal['via'],
  extra: Pick<Principal, 'sessionId' | 'apiKey'> = {},
): Principal {
  return { userId, role, permissions: new Set(ROLE_PERMISSIONS[role]), via, ...extra };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the hub's auth guards; null on anonymous routes. */
    principal: Principal | null;
  }
}
