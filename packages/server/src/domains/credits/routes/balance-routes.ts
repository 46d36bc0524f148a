import type { CreditPackageList, CreditTransactionPage } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../../http/guards.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { toCreditBalance, toCreditTransaction } from './credit-wire.js';

const transactionsQuery = z
  .object({
    cursor: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** `GET /api/v1/credits`, `/credits/transactions` (the caller's own, newest first) and `/credits/packages`. */
export async function balanceRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { credits } = hub.services;
  const canRead = {
    onRequest: requireAuth(hub, 'read:credits'),
    config: { apiKeyScope: 'credits:read' as const },
  };

  app.get('/api/v1/credits', canRead, async (request) =>
    toCreditBalance(await credits.balance(request.principal!.userId)),
  );

  app.get(
    '/api/v1/credits/transactions',
    { ...canRead, schema: { querystring: transactionsQuery } },
    async (request): Promise<CreditTransactionPage> => {
      const page = await credits.transactions(request.principal!.userId, request.query);
      return { data: page.entries.map(toCreditTransaction), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/credits/packages',
    async (): Promise<CreditPackageList> => ({
      data: (hub.config.file.creditPackages ?? []).map(({ id, name, credits, price, currency }) => ({
        id,
        name,
        credits,
        price,
        currency,
      })),
    }),
  );
}
