import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { factsFromStripeEvent } from '../payments/stripe-event-facts.js';

/**
 * `POST /api/v1/webhooks/stripe`. Its context parses every body as a raw Buffer: the signature
 * covers the exact bytes Stripe sent, so they are verified before anything is parsed. Answers 200
 * for applied, duplicate and ignored events (Stripe stops retrying), 400 for a bad signature.
 */
export async function stripeWebhookRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const { env } = hub.config;
  const secret = env.STRIPE_WEBHOOK_SECRET;
  const tolerance = env.STRIPE_WEBHOOK_TOLERANCE;
  const { credits } = hub.services;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/api/v1/webhooks/stripe', async (request) => {
    if (!secret) {
      throw new HubError(
        503,
        'payments_not_configured',
        'Payments are not configured on this hub (no STRIPE_WEBHOOK_SECRET)',
      );
    }
    const signature = request.headers['stripe-signature'];
    if (typeof signature !== 'string' || !Buffer.isBuffer(request.body)) {
      throw new HubError(400, 'invalid_signature', 'A Stripe-Signature header and a raw body are required');
    }
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(request.body, signature, secret, tolerance);
    } catch (error) {
      throw new HubError(
        400,
        'invalid_signature',
        `Stripe signature verification failed: ${(error as Error).message}`,
      );
    }
    const facts = factsFromStripeEvent(event);
    if (!facts) return { received: true, handled: false };
    const outcome = await credits.applyPaymentEvent({
      eventId: event.id,
      provider: 'stripe',
      type: event.type,
      facts,
    });
    return { received: true, handled: true, duplicate: outcome.duplicate };
  });
}
