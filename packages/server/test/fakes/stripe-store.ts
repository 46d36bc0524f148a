import type { CheckoutRecord, StripePriceConfig } from './stripe-checkout.js';
import type { StripeEvent } from './stripe-objects.js';

/** A stored answer for an Idempotency-Key, with the request it answered. */
export interface StoredReply {
  fingerprint: string;
  status: number;
  body: unknown;
}

/** Everything the fake Stripe account holds. */
export interface StripeStore {
  /** The fake's own origin (for `session.url`). */
  baseUrl: string;
  prices: Record<string, StripePriceConfig>;
  records: Map<string, CheckoutRecord>;
  events: StripeEvent[];
  idempotent: Map<string, StoredReply>;
}

export function createStripeStore(prices: Record<string, StripePriceConfig> = {}): StripeStore {
  return { baseUrl: '', prices, records: new Map(), events: [], idempotent: new Map() };
}
