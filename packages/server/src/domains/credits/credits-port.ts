import type { QueryRunner } from '@smart-ai-hub/adapters';

/**
 * What other domains (the model gateway above all) may ask of credits. The credits domain
 * implements it as `hub.services.credits`; amounts are integer credit units (see `money.ts`).
 */
export interface CreditsPort {
  /**
   * Reserves `amount` for metered work. Succeeds only if the user's available balance
   * (balance - held) covers it: atomic, so concurrent holds never overdraw. Throws a `HubError`
   * 402 `insufficient_credits` with `details: { required, available }` in credits otherwise.
   */
  hold(input: HoldInput): Promise<CreditHold>;
  /**
   * Charges `actualCost`, all of it, and releases the rest of the hold. Exactly once per hold
   * whatever races: a second settle or release of the same hold changes nothing and resolves with
   * the first outcome.
   *
   * The work was done, so the charge is never clamped to the hold and never refused for want of
   * balance: a cost beyond the hold is charged too (the balance may go below zero by that excess,
   * as a refund can already take it), recorded as the outcome's `overage` and on the hold's row
   * (`credit_holds.overage`), and logged. A negative balance, like any available amount below a
   * request's hold, refuses further holds, so `available = balance - held` stays the guard.
   *
   * A settle that finds its hold expired (the sweeper released it: the process that placed it
   * stopped renewing it) still posts the charge, once: status `expired`, `charged` the cost, the
   * whole of it `overage` (no hold covered it any more). The `hold:<id>` idempotency key and a
   * guarded update on the expired row make the sweeper, a settle and a second settle post at most
   * one charge between them.
   */
  settle(holdId: string, actualCost: number, details?: SettleDetails): Promise<HoldOutcome>;
  /** Releases the whole hold, charging nothing (exactly once, like settle). */
  release(holdId: string, reason?: string): Promise<HoldOutcome>;
  /** The user's balance, held and available amounts (units). */
  balance(userId: string): Promise<Balance>;
  /**
   * Subscribes to holds the sweeper expires: `listener` runs inside the transaction that expires
   * the hold and gives its amount back, so what it writes commits with the expiry or not at all
   * (the models domain releases an API key's spend-cap reservation this way). It must only run
   * statements on `trx`: on SQLite the transaction is a group commit, where a unit may run twice,
   * the first run rolled back. A listener that throws leaves the hold open for the next sweep.
   *
   * A hook rather than credits writing the key's row: `api_keys` is the auth domain's table, and
   * the facts the listener needs (which key, how much it reserved) ride in the hold's `metadata`,
   * written by whoever placed the hold.
   */
  onHoldExpired(listener: HoldExpiredListener): void;
}

/** Called inside the expiring transaction (see {@link CreditsPort.onHoldExpired}). */
export type HoldExpiredListener = (trx: QueryRunner, hold: ExpiredHold) => Promise<void>;

/** A hold the sweeper is expiring. */
export interface ExpiredHold {
  holdId: string;
  userId: string;
  /** Units it held (given back to `available` in the same transaction). */
  amount: number;
  /** The `metadata` it was placed with. */
  metadata: Record<string, unknown> | null;
}

export interface HoldInput {
  userId: string;
  /** Units, > 0. */
  amount: number;
  /** The request it is for (shown in the ledger). */
  requestId?: string;
  /** How long before the sweeper releases it if nobody settles (default from config, e.g. 10 min). */
  ttlMs?: number;
  /**
   * Keep it alive while this process runs: a process-wide renewer pushes the expiry of every such
   * hold forward in one statement per tick (a third of the TTL), until the hold is settled or
   * released (even when that fails). A crashed process stops renewing, so the sweeper still
   * releases its holds. The metered gateway sets it: a request never outlives its hold, however
   * slowly its client reads.
   */
  keepAlive?: boolean;
  metadata?: Record<string, unknown>;
}

export interface CreditHold {
  id: string;
  userId: string;
  amount: number;
  expiresAt: number;
}

export interface SettleDetails {
  /** What the charge was for: model, tokens, api key, ... (kept on the ledger transaction). */
  description?: string;
  metadata?: Record<string, unknown>;
}

export interface HoldOutcome {
  holdId: string;
  status: 'settled' | 'released' | 'expired';
  /** Units charged (0 when released, or expired and never settled). */
  charged: number;
  /**
   * Units of `charged` that no hold covered when they were posted: the cost beyond the hold, or
   * all of it when the hold had expired first. 0 for an ordinary charge.
   */
  overage: number;
  /** The user's balance after the outcome (units). */
  balance: Balance;
}

export interface Balance {
  balance: number;
  held: number;
  available: number;
}
