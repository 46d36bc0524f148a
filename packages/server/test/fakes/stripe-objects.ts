import { fakeId } from './fake-ids.js';

/** Stripe's error body: `{ error: { type, message, code?, param?, doc_url? } }`. */
export interface StripeErrorBody {
  error: { type: string; message: string; code?: string; param?: string; doc_url?: string };
}

export function stripeError(
  type: string,
  message: string,
  extra: { code?: string; param?: string } = {},
): StripeErrorBody {
  const docUrl = extra.code
    ? { doc_url: `https://stripe.com/docs/error-codes/${extra.code.replace(/_/g, '-')}` }
    : {};
  return { error: { type, message, ...extra, ...docUrl } };
}

/** The default error body for a status: the shape scripted failures use. */
export function stripeErrorForStatus(status: number): StripeErrorBody {
  if (status === 401) return stripeError('invalid_request_error', 'Invalid API Key provided.');
  if (status === 402) return stripeError('card_error', 'Your card was declined.', { code: 'card_declined' });
  if (status === 409) return stripeError('idempotency_error', 'A conflicting request is in progress.');
  if (status === 429) {
    return stripeError('invalid_request_error', 'Too many requests hit the API too quickly.', {
      code: 'rate_limit',
    });
  }
  if (status >= 500) return stripeError('api_error', 'An unknown error occurred.');
  return stripeError('invalid_request_error', 'Invalid request.');
}

export interface StripeLineItem {
  id: string;
  object: 'item';
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string | null;
  quantity: number;
  price: {
    id: string;
    object: 'price';
    currency: string;
    unit_amount: number;
    product: string;
    type: 'one_time';
  };
}

/** The subset of a Checkout Session object a credits system reads. */
export interface StripeCheckoutSession {
  id: string;
  object: 'checkout.session';
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string | null;
  client_reference_id: string | null;
  created: number;
  currency: string;
  customer: string | null;
  customer_details: { email: string | null; name: string | null } | null;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  metadata: Record<string, string>;
  mode: string;
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  status: 'open' | 'complete' | 'expired';
  success_url: string | null;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  ui_mode: 'hosted';
  url: string | null;
  line_items?: StripeList<StripeLineItem>;
}

export interface StripeList<T> {
  object: 'list';
  data: T[];
  has_more: false;
  url: string;
}

export interface StripePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  status: 'processing' | 'succeeded' | 'requires_payment_method';
}

export interface StripeCharge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string;
  billing_details: { email: string | null; name: string | null };
  captured: true;
  created: number;
  currency: string;
  customer: string | null;
  disputed: boolean;
  livemode: false;
  metadata: Record<string, string>;
  paid: true;
  payment_intent: string;
  refunded: boolean;
  status: 'succeeded';
}

export interface StripeDispute {
  id: string;
  object: 'dispute';
  amount: number;
  charge: string;
  created: number;
  currency: string;
  is_charge_refundable: boolean;
  livemode: false;
  metadata: Record<string, string>;
  payment_intent: string;
  reason: string;
  status: 'needs_response';
}

/** A Stripe Event, as sent to webhook endpoints. */
export interface StripeEvent<T = unknown> {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: T; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Wraps a snapshot (deep-copied, as Stripe freezes the object at event time) in an Event. */
export function stripeEvent<T>(
  type: string,
  object: T,
  apiVersion: string,
  previousAttributes?: Record<string, unknown>,
): StripeEvent<T> {
  return {
    id: fakeId('evt_test_', 24),
    object: 'event',
    api_version: apiVersion,
    created: nowSeconds(),
    data: {
      object: structuredClone(object),
      ...(previousAttributes ? { previous_attributes: previousAttributes } : {}),
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}
