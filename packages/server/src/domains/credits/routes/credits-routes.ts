import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../../hub/hub-context.js';
import { adminCreditRoutes } from './admin-credit-routes.js';
import { balanceRoutes } from './balance-routes.js';
import { checkoutRoutes } from './checkout-routes.js';
import { stripeWebhookRoutes } from './stripe-webhook-routes.js';

/** Every credits route; the webhook gets a context of its own (it parses raw bodies). */
export async function creditsRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  await balanceRoutes(app, hub);
  await checkoutRoutes(app, hub);
  await adminCreditRoutes(app, hub);
  await app.register(async (child) => stripeWebhookRoutes(child, hub));
}
