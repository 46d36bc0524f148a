import { fakeId } from './fake-ids.js';
import type { CheckoutRecord } from './stripe-checkout.js';
import {
  nowSeconds,
  type StripeCharge,
  type StripeCheckoutSession,
  type StripeDispute,
  type StripeEvent,
  stripeEvent,
} from './stripe-objects.js';

/**
 * The payment lifecycle behind a Checkout Session, as the fake's control helpers drive it. Each
 * step mutates the record (so `GET /v1/...` sees it) and returns the Event Stripe would send.
 * A step that Stripe could not take from the current state throws: it is a test bug.
 */

function fail(record: CheckoutRecord, message: string): never {
  throw new Error(`fake-stripe: session ${record.session.id} ${message}`);
}

/** Session metadata, overlaid with `payment_intent_data[metadata]`, lands on the PaymentIntent and Charge. */
function paymentMetadata(record: CheckoutRecord): Record<string, string> {
  return { ...record.session.metadata, ...record.paymentIntentMetadata };
}

function chargeFor(record: CheckoutRecord): StripeCharge {
  const { session } = record;
  const email = session.customer_details?.email ?? null;
  return {
    id: fakeId('ch_', 24),
    object: 'charge',
    amount: session.amount_total,
    amount_captured: session.amount_total,
    amount_refunded: 0,
    balance_transaction: fakeId('txn_', 24),
    billing_details: { email, name: session.customer_details?.name ?? null },
    captured: true,
    created: nowSeconds(),
    currency: session.currency,
    customer: session.customer,
    disputed: false,
    livemode: false,
    metadata: paymentMetadata(record),
    paid: true,
    payment_intent: session.payment_intent!,
    refunded: false,
    status: 'succeeded',
  };
}

function capture(record: CheckoutRecord): void {
  const charge = chargeFor(record);
  record.charge = charge;
  record.session.payment_status = 'paid';
  if (record.paymentIntent) {
    record.paymentIntent.status = 'succeeded';
    record.paymentIntent.amount_received = charge.amount;
    record.paymentIntent.latest_charge = charge.id;
  }
}

/**
 * The customer finishes checkout. `paid: false` models a delayed method (bank debit): the
 * session completes unpaid and an async_payment event follows later.
 */
export function completeCheckout(
  record: CheckoutRecord,
  options: { paid?: boolean; email: string; name?: string | null },
): StripeEvent<StripeCheckoutSession> {
  const { session } = record;
  if (session.status !== 'open') fail(record, `is ${session.status}, not open`);
  const paymentIntentId = fakeId('pi_', 24);
  session.status = 'complete';
  session.url = null;
  session.payment_intent = paymentIntentId;
  session.customer_details = { email: session.customer_email ?? options.email, name: options.name ?? null };
  record.paymentIntent = {
    id: paymentIntentId,
    object: 'payment_intent',
    amount: session.amount_total,
    amount_received: 0,
    created: nowSeconds(),
    currency: session.currency,
    latest_charge: null,
    livemode: false,
    metadata: { ...record.paymentIntentMetadata },
    status: 'processing',
  };
  if (options.paid ?? true) capture(record);
  return stripeEvent('checkout.session.completed', session, record.apiVersion);
}

/** A delayed payment settles (`succeeded`) or fails. */
export function settleAsyncPayment(
  record: CheckoutRecord,
  succeeded: boolean,
): StripeEvent<StripeCheckoutSession> {
  const { session } = record;
  if (session.status !== 'complete' || session.payment_status !== 'unpaid') {
    fail(record, 'has no pending async payment (complete it with { paid: false } first)');
  }
  if (succeeded) capture(record);
  else if (record.paymentIntent) record.paymentIntent.status = 'requires_payment_method';
  const type = succeeded
    ? 'checkout.session.async_payment_succeeded'
    : 'checkout.session.async_payment_failed';
  return stripeEvent(type, session, record.apiVersion);
}

/** Refunds `amount` (default: all that is left); `amount_refunded` on the charge is cumulative. */
export function refundCharge(record: CheckoutRecord, amount?: number): StripeEvent<StripeCharge> {
  const charge = record.charge ?? fail(record, 'has no charge to refund');
  const left = charge.amount - charge.amount_refunded;
  const refund = amount ?? left;
  if (!Number.isInteger(refund) || refund <= 0 || refund > left)
    fail(record, `cannot refund ${refund} (${left} left)`);
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += refund;
  charge.refunded = charge.amount_refunded === charge.amount;
  return stripeEvent('charge.refunded', charge, record.apiVersion, previous);
}

/** The cardholder disputes the charge (full amount). */
export function disputeCharge(record: CheckoutRecord, reason: string): StripeEvent<StripeDispute> {
  const charge = record.charge ?? fail(record, 'has no charge to dispute');
  charge.disputed = true;
  const dispute: StripeDispute = {
    id: fakeId('dp_', 24),
    object: 'dispute',
    amount: charge.amount - charge.amount_refunded,
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason,
    status: 'needs_response',
  };
  record.disputes.push(dispute);
  return stripeEvent('charge.dispute.created', dispute, record.apiVersion);
}

/** The session expires unpaid. */
export function expireCheckout(record: CheckoutRecord): StripeEvent<StripeCheckoutSession> {
  if (record.session.status !== 'open') fail(record, `is ${record.session.status}, not open`);
  record.session.status = 'expired';
  record.session.url = null;
  return stripeEvent('checkout.session.expired', record.session, record.apiVersion);
}
