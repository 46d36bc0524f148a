import { API_KEY_SCOPES, type ApiKeyInfo } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../http/guards.js';
import { badRequest } from '../../http/hub-error.js';
import type { HubContext } from '../../hub/hub-context.js';
import { creditsToUnits, unitsToCredits } from '../credits/money.js';
import { isModelAllowed } from '../models/allowed-models.js';
import { type ApiKeyRow, type KeyOwner, parseScopes } from './api-keys.js';
import { idParams } from './auth-schemas.js';
import { limitsForKeyMadeByKey } from './key-made-by-key.js';
import type { Principal } from './principal.js';

const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length).optional(),
    allowedModels: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
    spendCap: z.number().positive().optional(),
  })
  .strict();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toApiKeyInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    allowedModels: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
    spendCap: row.spend_cap === null ? null : unitsToCredits(row.spend_cap),
    spent: unitsToCredits(row.spent),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    createdAt: iso(row.created_at)!,
    createdByKeyId: row.created_by_key_id,
  };
}

/** A session acts on all the user's keys; a `keys:manage` key only on the keys it made. */
const ownerOf = (principal: Principal): KeyOwner => ({
  userId: principal.userId,
  ...(principal.apiKey ? { keyId: principal.apiKey.id } : {}),
});

/**
 * `/api/v1/api-keys`: list, create (the key is shown once), revoke the caller's own keys. A
 * signed-in session, or a key with `keys:manage` (a provisioning key), whose keys are never
 * wider than itself (see `limitsForKeyMadeByKey`).
 */
export async function apiKeyRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { apiKeys } = hub.services;
  const keyManagers = { onRequest: requireAuth(hub), config: { apiKeyScope: 'keys:manage' as const } };

  app.get('/api/v1/api-keys', keyManagers, async (request) => ({
    apiKeys: (await apiKeys.list(ownerOf(request.principal!))).map(toApiKeyInfo),
  }));

  // A user's keys as staff see them (never the keys themselves: only their prefixes).
  app.get(
    '/api/v1/admin/users/:id/api-keys',
    {
      onRequest: requireAuth(hub, 'read:users'),
      config: { apiKeyScope: 'admin' as const },
      schema: { params: idParams },
    },
    async (request) => {
      const user = await hub.services.users.get(request.params.id);
      return { apiKeys: (await apiKeys.list({ userId: user.id })).map(toApiKeyInfo) };
    },
  );

  app.post(
    '/api/v1/api-keys',
    { ...keyManagers, schema: { body: createApiKeyBody } },
    async (request, reply) => {
      const principal = request.principal!;
      const { name, expiresAt, scopes, allowedModels, spendCap } = request.body;
      const expires = expiresAt === undefined ? undefined : Date.parse(expiresAt);
      if (expires !== undefined && expires <= Date.now()) throw badRequest('expiresAt must be in the future');
      let cap: number | undefined;
      if (spendCap !== undefined) {
        try {
          cap = creditsToUnits(spendCap);
        } catch (error) {
          throw badRequest(`spendCap: ${(error as Error).message}`);
        }
      }
      const requested = { scopes, allowedModels, spendCap: cap, expiresAt: expires };
      const creator = principal.apiKey;
      const limits = creator
        ? limitsForKeyMadeByKey(creator, requested, (modelName) => {
            const model = hub.services.models.catalog.resolve(modelName);
            return model !== undefined && isModelAllowed(principal, model);
          })
        : requested;
      const { key, row } = await apiKeys.create(principal.userId, {
        name,
        ...limits,
        ...(creator ? { createdByKeyId: creator.id } : {}),
      });
      return reply.code(201).send({ ...toApiKeyInfo(row), key });
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { ...keyManagers, schema: { params: idParams } },
    async (request, reply) => {
      await apiKeys.revoke(ownerOf(request.principal!), request.params.id);
      return reply.code(204).send();
    },
  );
}
