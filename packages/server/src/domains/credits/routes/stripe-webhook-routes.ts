import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { factsFromStripeEvent } from '../payments/stripe-event-facts.js';

/**
 * `POST /api/v1/webhooks/stripe`. Its context parses every body as a raw Buffer: the signature
 * covers the exact bytes Stripe sent, so they are verified before anything is parsed. Answers 200
 * for applied, duplicate, ignored and refused events (Stripe stops retrying), 400 for a bad
 * signature. A refused event (a session the hub never created, or one paid less than its price)
 * is recorded, credits nothing, and is logged as a warning for the operator.
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
    if (outcome.refused) {
      request.log.warn(
        {
          eventId: event.id,
          type: event.type,
          sessionId: facts.sessionId,
          paymentId: facts.paymentId,
          claimedUserId: facts.userId ?? null,
          amountTotal: facts.amountTotal ?? null,
          currency: facts.currency ?? null,
          refused: outcome.refused,
        },
        outcome.refused === 'unknown_session'
          ? 'Stripe event for a checkout session this hub did not create: nothing credited'
          : 'Stripe checkout session paid less than its package (or in another currency): nothing credited',
      );
      return { received: true, handled: false, refused: outcome.refused };
    }
    return { received: true, handled: true, duplicate: outcome.duplicate };
  });
}
