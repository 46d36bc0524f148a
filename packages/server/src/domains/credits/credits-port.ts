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
   * Charges `actualCost` (clamped to the hold's amount) and releases the rest. Exactly once per
   * hold whatever races: a second settle or release of the same hold changes nothing and
   * resolves with the first outcome.
   */
  settle(holdId: string, actualCost: number, details?: SettleDetails): Promise<HoldOutcome>;
  /** Releases the whole hold, charging nothing (exactly once, like settle). */
  release(holdId: string, reason?: string): Promise<HoldOutcome>;
  /** The user's balance, held and available amounts (units). */
  balance(userId: string): Promise<Balance>;
}

export interface HoldInput {
  userId: string;
  /** Units, > 0. */
  amount: number;
  /** The request it is for (shown in the ledger). */
  requestId?: string;
  /** How long before the sweeper releases it if nobody settles (default from config, e.g. 10 min). */
  ttlMs?: number;
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
  /** Units charged (0 when released). */
  charged: number;
  /** The user's balance after the outcome (units). */
  balance: Balance;
}

export interface Balance {
  balance: number;
  held: number;
  available: number;
}
