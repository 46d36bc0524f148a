import type { CheckoutResponse, CheckoutStatus } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../../../http/guards.js';
import { HubError, notFound } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { creditsToUnits, unitsToCredits } from '../money.js';
import { createCheckoutSession } from '../payments/checkout.js';
import { findCheckoutSession, recordCheckoutSession } from '../payments/checkout-sessions.js';
import { createStripeClient } from '../payments/stripe-client.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
const checkoutBody = z
  .object({
    packageId: z.string().min(1).max(64),
    successUrl: httpUrl.optional(),
    cancelUrl: httpUrl.optional(),
  })
  .strict();
const checkoutHeaders = z.object({ 'idempotency-key': z.string().min(1).max(255).optional() });
const sessionParams = z.object({ id: z.string().min(1).max(255) });

/**
 * `POST /api/v1/credits/checkout`: a Stripe Checkout Session for a configured credit package,
 * stored with its buyer, package, price and credits: the webhook credits only sessions stored here.
 * `GET /api/v1/credits/checkout/:id`: how the buyer's own session ended (the return page asks).
 */
export async function checkoutRoutes(fastify: FastifyInstance, hub: HubContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const stripe = createStripeClient(hub.config.env);
  const packages = hub.config.file.creditPackages ?? [];

  app.post(
    '/api/v1/credits/checkout',
    {
      onRequest: requireAuth(hub, 'write:credits'),
      schema: { body: checkoutBody, headers: checkoutHeaders },
    },
    async (request, reply): Promise<CheckoutResponse> => {
      if (!stripe) {
        throw new HubError(
          503,
          'payments_not_configured',
          'Payments are not configured on this hub (no STRIPE_SECRET_KEY)',
        );
      }
      const pkg = packages.find((p) => p.id === request.body.packageId);
      if (!pkg) {
        throw new HubError(404, 'not_found', `Credit package ${request.body.packageId} not found`, {
          packages: packages.map((p) => p.id),
        });
      }
      const userId = request.principal!.userId;
      const key = request.headers['idempotency-key'];
      let session: CheckoutResponse;
      try {
        session = await createCheckoutSession(stripe, {
          userId,
          pkg,
          successUrl:
            request.body.successUrl ??
            `${hub.config.publicUrl}/?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
          cancelUrl: request.body.cancelUrl ?? `${hub.config.publicUrl}/?checkout=cancelled`,
          idempotencyKey: key ? `checkout:${userId}:${key}` : undefined,
        });
      } catch (error) {
        request.log.error({ err: error }, 'Stripe checkout failed');
        throw new HubError(502, 'upstream_error', 'Stripe could not create the checkout session; try again');
      }
      await recordCheckoutSession(hub.db, {
        id: session.id,
        provider: 'stripe',
        userId,
        packageId: pkg.id,
        credits: creditsToUnits(pkg.credits),
        price: pkg.price,
        currency: pkg.currency,
      });
      reply.code(201);
      return session;
    },
  );

  app.get(
    '/api/v1/credits/checkout/:id',
    { onRequest: requireAuth(hub), schema: { params: sessionParams } },
    async (request): Promise<CheckoutStatus> => {
      const row = await findCheckoutSession(hub.db, 'stripe', request.params.id);
      if (!row || row.user_id !== request.principal!.userId) throw notFound('Checkout session');
      return {
        id: row.id,
        status: row.status,
        packageId: row.package_id,
        credits: unitsToCredits(row.credits),
        price: row.price,
        currency: row.currency,
      };
    },
  );
}
