import type { AdminGrantResponse, CreditBalance, CreditTransactionPage } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../../http/guards.js';
import { badRequest, forbidden } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { requestHash, runIdempotent } from '../idempotent-requests.js';
import { creditsToUnits } from '../money.js';
import { toCreditBalance, toCreditTransaction } from './credit-wire.js';

const grantBody = z
  .object({ amount: z.number().positive(), reason: z.string().trim().max(500).optional() })
  .strict();
const grantParams = z.object({ id: z.string().min(1).max(64) });
const grantHeaders = z.object({ 'idempotency-key': z.string().min(1).max(255).optional() });
const transactionsQuery = z
  .object({
    cursor: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/**
 * `POST /api/v1/admin/users/:id/credits`: an admin grant, exactly once per `Idempotency-Key`;
 * `GET` the same path and `.../credits/transactions`: a user's balance and ledger, for staff.
 */
export async function adminCreditRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { credits, users } = hub.services;
  const staff = {
    onRequest: requireAuth(hub, 'read:users', 'read:credits'),
    config: { apiKeyScope: 'admin' as const },
  };

  app.get(
    '/api/v1/admin/users/:id/credits',
    { ...staff, schema: { params: grantParams } },
    async (request): Promise<CreditBalance> => {
      const user = await users.get(request.params.id);
      return toCreditBalance(await credits.balance(user.id));
    },
  );

  app.get(
    '/api/v1/admin/users/:id/credits/transactions',
    { ...staff, schema: { params: grantParams, querystring: transactionsQuery } },
    async (request): Promise<CreditTransactionPage> => {
      const user = await users.get(request.params.id);
      const page = await credits.transactions(user.id, request.query);
      return { data: page.entries.map(toCreditTransaction), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/credits',
    {
      onRequest: requireAuth(hub, 'write:credits'),
      config: { apiKeyScope: 'admin' },
      schema: { params: grantParams, body: grantBody, headers: grantHeaders },
    },
    async (request, reply) => {
      const admin = request.principal!;
      // Users hold write:credits too (to buy credits); granting them is for admins only.
      if (admin.role !== 'admin') throw forbidden('Granting credits needs the admin role');
      const key = request.headers['idempotency-key'];
      if (!key)
        throw badRequest(
          'The Idempotency-Key header is required for grants (any unique string, e.g. a UUID)',
        );
      let amount: number;
      try {
        amount = creditsToUnits(request.body.amount);
      } catch (error) {
        throw badRequest(`amount: ${(error as Error).message}`);
      }
      const userId = request.params.id;
      const answer = await runIdempotent<AdminGrantResponse>(
        hub.db,
        { scope: 'admin-grant', key, hash: requestHash({ userId, ...request.body }) },
        async () => {
          const result = await credits.grant({
            userId,
            amount,
            idempotencyKey: `admin:${key}`,
            description: request.body.reason ?? 'Admin grant',
            grantedBy: admin.userId,
          });
          return {
            statusCode: 201,
            body: {
              transactionId: result.transactionId,
              userId,
              amount: request.body.amount,
              balance: toCreditBalance(result.balance),
            },
          };
        },
      );
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(answer.statusCode).send(answer.body);
    },
  );
}
