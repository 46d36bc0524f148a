import type Stripe from 'stripe';
import type { CreditPackage } from '../credit-packages.js';
import { creditsToUnits } from '../money.js';
import type { CheckoutMetadata } from './stripe-event-facts.js';

export interface CheckoutInput {
  userId: string;
  pkg: CreditPackage;
  successUrl: string;
  cancelUrl: string;
  /** Forwarded to Stripe so that a retried request creates one session. */
  idempotencyKey?: string;
}

/**
 * Creates a Stripe Checkout Session for one credit package. The credits bought and the buyer ride
 * in the session's metadata (and the PaymentIntent's, so charges, refunds and disputes carry them
 * too): the webhook credits exactly what was sold, whatever the configuration says later.
 */
export async function createCheckoutSession(
  stripe: Stripe,
  input: CheckoutInput,
): Promise<{ id: string; url: string }> {
  const metadata: CheckoutMetadata = {
    userId: input.userId,
    packageId: input.pkg.id,
    creditUnits: String(creditsToUnits(input.pkg.credits)),
  };
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: input.pkg.currency,
            unit_amount: input.pkg.price,
            product_data: { name: input.pkg.name },
          },
        },
      ],
      client_reference_id: input.userId,
      metadata: { ...metadata },
      payment_intent_data: { metadata: { ...metadata } },
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
    },
    input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : undefined,
  );
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
  return { id: session.id, url: session.url };
}
