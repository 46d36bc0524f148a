import type Stripe from 'stripe';
import type { PaymentFacts } from './payment-facts.js';

/** The session metadata the hub sets at checkout and reads back from every event. */
export interface CheckoutMetadata {
  userId: string;
  packageId: string;
  /** Credit units, as a decimal string (Stripe metadata values are strings). */
  creditUnits: string;
}

function units(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function sessionFacts(session: Stripe.Checkout.Session, paid: boolean, failed = false): PaymentFacts {
  const meta = (session.metadata ?? {}) as Partial<CheckoutMetadata>;
  return {
    paymentId: idOf(session.payment_intent) ?? session.id,
    sessionId: session.id,
    userId: meta.userId ?? session.client_reference_id ?? null,
    packageId: meta.packageId ?? null,
    credits: units(meta.creditUnits),
    amountTotal: session.amount_total,
    currency: session.currency,
    paid,
    failed,
  };
}

/**
 * What a verified Stripe event says about a payment, or null for events credits ignores.
 * Amounts come from the event itself (`amount_total`, `amount_refunded`, the dispute's amount);
 * the credits bought come from the metadata the hub set when it created the session.
 */
export function factsFromStripeEvent(event: Stripe.Event): PaymentFacts | null {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      if (session.mode !== 'payment') return null;
      return sessionFacts(session, session.payment_status !== 'unpaid');
    }
    case 'checkout.session.async_payment_succeeded':
      return sessionFacts(event.data.object, true);
    case 'checkout.session.async_payment_failed':
      return sessionFacts(event.data.object, false, true);
    case 'charge.refunded': {
      const charge = event.data.object;
      return {
        paymentId: idOf(charge.payment_intent) ?? charge.id,
        userId: (charge.metadata as Partial<CheckoutMetadata>)?.userId ?? null,
        amountTotal: charge.amount,
        amountRefunded: charge.amount_refunded,
      };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      return {
        paymentId: idOf(dispute.payment_intent) ?? idOf(dispute.charge)!,
        amountDisputed: dispute.amount,
      };
    }
    default:
      return null;
  }
}
