/**
 * The credits part of the native API. Amounts are JSON numbers in credits with at most 6
 * decimals (`12.5`, `0.000005`); the hub keeps them as integer micro-credits inside.
 */

/** `GET /api/v1/credits` */
export interface CreditBalance {
  balance: number;
  /** Reserved by requests in flight. */
  held: number;
  /** balance - held: what a new request may spend (negative after a refund: spending is blocked). */
  available: number;
}

/** One entry of `GET /api/v1/credits/transactions`. */
export interface CreditTransaction {
  id: string;
  /** `grant`, `payment`, `usage`, `refund`, `dispute`, ... */
  kind: string;
  /** Signed credits: positive adds to the balance. */
  amount: number;
  /** What it is about: a hold id, a payment id, ... */
  reference: string | null;
  description: string | null;
  /** ISO 8601. */
  createdAt: string;
}

/** `GET /api/v1/credits/transactions?cursor=&limit=`: newest first. */
export interface CreditTransactionPage {
  data: CreditTransaction[];
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

/** A package `POST /api/v1/credits/checkout` can buy (from the hub's configuration). */
export interface CreditPackageInfo {
  id: string;
  name: string;
  credits: number;
  /** Minor currency units (cents). */
  price: number;
  currency: string;
}

/** `GET /api/v1/credits/packages` */
export interface CreditPackageList {
  data: CreditPackageInfo[];
}

/** `POST /api/v1/credits/checkout` */
export interface CheckoutRequest {
  packageId: string;
  /** Where Stripe sends the buyer after paying; `{CHECKOUT_SESSION_ID}` is filled in. Default: the hub's public URL. */
  successUrl?: string;
  cancelUrl?: string;
}

/** `GET /api/v1/credits/checkout/:id`: how the buyer's own checkout ended. */
export interface CheckoutStatus {
  id: string;
  /** `open` until Stripe's event arrives; then `paid` (credited), `underpaid` (refused) or `failed`. */
  status: 'open' | 'paid' | 'underpaid' | 'failed';
  packageId: string;
  /** Credits the package adds once paid. */
  credits: number;
  /** Minor currency units (cents). */
  price: number;
  currency: string;
}

export interface CheckoutResponse {
  /** The Checkout Session id. */
  id: string;
  /** Send the buyer here. */
  url: string;
}

/** `POST /api/v1/admin/users/:id/credits` (header `Idempotency-Key` required). */
export interface AdminGrantRequest {
  /** Credits to add, > 0. */
  amount: number;
  reason?: string;
}

export interface AdminGrantResponse {
  transactionId: string;
  userId: string;
  amount: number;
  balance: CreditBalance;
}
