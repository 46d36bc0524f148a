import type { ApiKeyInfo } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../http/guards.js';
import { badRequest } from '../../http/hub-error.js';
import type { HubContext } from '../../hub/hub-context.js';
import { creditsToUnits, unitsToCredits } from '../credits/money.js';
import type { ApiKeyRow } from './api-keys.js';
import { idParams } from './auth-schemas.js';

const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
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
    allowedModels: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
    spendCap: row.spend_cap === null ? null : unitsToCredits(row.spend_cap),
    spent: unitsToCredits(row.spent),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    createdAt: iso(row.created_at)!,
  };
}

/** `/api/v1/api-keys`: list, create (the key is shown once), revoke the caller's own keys. */
export async function apiKeyRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { apiKeys } = hub.services;
  const signedIn = { onRequest: requireAuth(hub) };

  app.get('/api/v1/api-keys', signedIn, async (request) => ({
    apiKeys: (await apiKeys.list(request.principal!.userId)).map(toApiKeyInfo),
  }));

  app.post(
    '/api/v1/api-keys',
    { ...signedIn, schema: { body: createApiKeyBody } },
    async (request, reply) => {
      const { name, expiresAt, allowedModels, spendCap } = request.body;
      const expires = expiresAt === undefined ? null : Date.parse(expiresAt);
      if (expires !== null && expires <= Date.now()) throw badRequest('expiresAt must be in the future');
      let cap: number | null = null;
      if (spendCap !== undefined) {
        try {
          cap = creditsToUnits(spendCap);
        } catch (error) {
          throw badRequest(`spendCap: ${(error as Error).message}`);
        }
      }
      const { key, row } = await apiKeys.create(request.principal!.userId, {
        name,
        expiresAt: expires,
        allowedModels: allowedModels ?? null,
        spendCap: cap,
      });
      return reply.code(201).send({ ...toApiKeyInfo(row), key });
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { ...signedIn, schema: { params: idParams } },
    async (request, reply) => {
      await apiKeys.revoke(request.principal!.userId, request.params.id);
      return reply.code(204).send();
    },
  );
}
