import type { CreditPaymentsTable, Database, QueryRunner } from '@smart-ai-hub/adapters';
import type { Selectable, Transaction } from 'kysely';
import type { Balance } from '../credits-port.js';
import type { HoldFacts } from '../hold-facts.js';

/**
 * The credits ledger's storage: every statement of a hold's life (place, settle or release,
 * expire, charge after expiry, renew) and the one read where the SQL engines differ. One
 * implementation per database engine (`sqlite-ledger-store.ts`, `postgres-ledger-store.ts`),
 * chosen once when the credits service is built; `ledger-store.conformance.ts` is the suite every
 * implementation passes. The domain above it (`holds.ts`) keeps the rules: validation, errors,
 * events, the hold-facts cache, the renewer's tracking, the overage warnings.
 *
 * Amounts are integer units (see `money.ts`); `now` and times are epoch ms.
 */
export interface LedgerStore {
  /**
   * Reserves `hold.amount` on the account and writes the hold's row (status `open`), if and only
   * if `balance - held >= amount`: one guarded update is both the check and the lock, so holds
   * racing on one account never reserve more than it has, and a negative balance refuses every
   * hold. A refusal writes nothing (no row, the account untouched) and is an answer, not an
   * error: `{ placed: false, available }`, where `available` is `balance - held` as the refusal
   * saw it (on PostgreSQL as of its statement's start: a concurrent hold may have moved it since;
   * it is for the error message, never a decision).
   */
  placeHold(hold: NewHold): Promise<HoldPlacement>;

  /**
   * Settles or releases an open hold exactly once: the guarded transition (`status = 'open'`)
   * lets one caller through, whatever races (other resolutions, the sweeper); only that caller
   * moves money, in the same transaction: the account's `held` goes down by the hold's amount
   * and, when `charged > 0`, a `usage` transaction (idempotency key `hold:<id>`, its two postings
   * against `counterAccountId`) takes `charged` off the balance, all of it, even past the hold
   * or below zero (the work was done). The row records `status`, `charged`, `overage` and the
   * transaction's id. Resolves with the balance after, or null when the hold was not open (someone
   * resolved it first: read {@link readOutcome}).
   */
  resolveHold(resolution: HoldResolution): Promise<Balance | null>;

  /**
   * Expires an open hold exactly once (the same guarded transition as {@link resolveHold}, to
   * `expired`, nothing charged): gives its amount back to `available` and runs `inTransaction` on
   * the same transaction, so what it writes commits with the expiry or not at all; if it throws,
   * nothing is kept and the hold stays open. `inTransaction` must only run statements on its
   * runner (on SQLite the transaction is a group commit, where a unit may run twice). False when
   * the hold was not open.
   */
  expireHold(
    hold: DueHold,
    now: number,
    inTransaction: (trx: QueryRunner) => Promise<void>,
  ): Promise<boolean>;

  /**
   * Posts the charge of a hold that expired before its settle came (its amount is back in
   * `available`): a `usage` transaction for all of `charged`, unguarded by the balance, recorded
   * on the row as settled amount, overage and transaction. At most once per hold: only a hold
   * `expired` without a transaction lets one caller through (and the `hold:<id>` idempotency key
   * would refuse a second transaction anyway). Null for any other hold: open, settled, released,
   * or expired and charged already.
   */
  chargeExpiredHold(charge: ExpiredCharge): Promise<Balance | null>;

  /** A hold's immutable facts, or undefined when there is no such hold. */
  readHold(holdId: string): Promise<HoldFacts | undefined>;

  /** A hold's state as stored, with its account's balance now; throws when there is no such hold. */
  readOutcome(holdId: string): Promise<StoredOutcome>;

  /** Up to `limit` open holds whose `expires_at <= now`, soonest expiry first. */
  dueHolds(now: number, limit: number): Promise<DueHold[]>;

  /** Sets the expiry of those of `holdIds` still open to `expiresAt`; resolves with how many. */
  renewHolds(holdIds: readonly string[], expiresAt: number): Promise<number>;

  /**
   * A payment's row, read inside `trx` so that no other transaction changes it before `trx` ends
   * (events of one payment applied at once must not lose each other's facts). Throws when
   * there is no such payment.
   */
  lockPayment(trx: Transaction<Database>, paymentId: string): Promise<Selectable<CreditPaymentsTable>>;
}

/** A hold to place, as {@link LedgerStore.placeHold} writes it (a type: prepared statements bind it). */
export type NewHold = {
  id: string;
  accountId: string;
  userId: string;
  amount: number;
  requestId: string | null;
  /** JSON text, or null. */
  metadata: string | null;
  expiresAt: number;
  now: number;
};

/** What {@link LedgerStore.placeHold} answers. */
export type HoldPlacement = { placed: true } | { placed: false; available: number };

/** A settle or a release, for {@link LedgerStore.resolveHold}. */
export interface HoldResolution {
  holdId: string;
  hold: HoldFacts;
  status: 'settled' | 'released';
  /** Units to charge (0 for a release, or a free settle: then no ledger transaction). */
  charged: number;
  /** The part of `charged` beyond the hold's amount. */
  overage: number;
  /** The system account the charge goes to (`system:usage`); null when nothing is charged. */
  counterAccountId: string | null;
  /** Kept on the charge's ledger transaction. */
  description: string | null;
  metadata: Record<string, unknown>;
  now: number;
}

/** The late charge of an expired hold, for {@link LedgerStore.chargeExpiredHold}. */
export interface ExpiredCharge {
  holdId: string;
  hold: HoldFacts;
  /** Units to charge, > 0: all of it overage, since no hold covers it any more. */
  charged: number;
  counterAccountId: string;
  description: string | null;
  metadata: Record<string, unknown>;
  now: number;
}

/** An open hold past its expiry (see {@link LedgerStore.dueHolds}). */
export interface DueHold {
  id: string;
  accountId: string;
  userId: string;
  amount: number;
  /** The JSON text it was placed with. */
  metadata: string | null;
}

/** A hold as stored (see {@link LedgerStore.readOutcome}). */
export interface StoredOutcome {
  status: 'open' | 'settled' | 'released' | 'expired';
  /** True when its charge has a ledger transaction. */
  posted: boolean;
  /** Units charged (0 when none). */
  charged: number;
  overage: number;
  balance: Balance;
}
