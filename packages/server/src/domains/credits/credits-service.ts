import type { Coordination, HubDatabase } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import { auditMoneyMovement } from '../audit/money-audit.js';
import { AccountDirectory } from './accounts.js';
import { CreditEvents } from './credit-events.js';
import type {
  Balance,
  CreditHold,
  CreditsPort,
  HoldExpiredListener,
  HoldInput,
  HoldOutcome,
  SettleDetails,
} from './credits-port.js';
import { type GrantInput, type GrantResult, grantCredits } from './grants.js';
import { HoldFactsCache } from './hold-facts.js';
import { HoldRenewer } from './hold-renewer.js';
import type { HoldUpkeepTimings } from './hold-upkeep.js';
import { placeHold, resolveHold, sweepExpiredHolds } from './holds.js';
import type { LedgerDeps } from './ledger-deps.js';
import { createLedgerStore } from './ledger-store/create-ledger-store.js';
import { createLedgerStatements } from './ledger-store/ledger-statements.js';
import { type LedgerReport, verifyLedger } from './ledger-verify.js';
import { applyPaymentEvent, type PaymentEvent, type PaymentOutcome } from './payments/apply-payment-event.js';
import { toBalance } from './post-transaction.js';
import { type HistoryPage, listTransactions } from './transaction-history.js';

export interface CreditsServiceOptions {
  database: HubDatabase;
  coordination: Coordination;
  log: FastifyBaseLogger;
  /** Default hold lifetime, ms. */
  holdTtlMs: number;
  /** Between sweeps of expired holds, ms (default 30 s). */
  sweepIntervalMs?: number;
  /** Balance (units) below which `credits.low` is emitted. */
  lowThreshold: number;
}

/**
 * The credits domain's service (`hub.services.credits`): the {@link CreditsPort} for metered
 * work, plus grants, history, payments and the ledger check. Amounts are integer units.
 */
export class CreditsService implements CreditsPort {
  private readonly deps: LedgerDeps;
  /** How often the domain sweeps expired holds and renews live ones (`startHoldUpkeep`). */
  readonly upkeep: HoldUpkeepTimings;

  constructor(options: CreditsServiceOptions) {
    const statements = createLedgerStatements(options.database.db);
    // The database engine's store, chosen here once: nothing above it asks which engine it is.
    const store = createLedgerStore(options.database, statements);
    this.deps = {
      db: options.database.db,
      store,
      durableTransaction: (fn) => options.database.durableTransaction(fn),
      accounts: new AccountDirectory(options.database.db),
      events: new CreditEvents(options.coordination, options.log, options.lowThreshold),
      log: options.log,
      holdTtlMs: options.holdTtlMs,
      statements,
      openHolds: new HoldFactsCache(),
      renewer: new HoldRenewer(store, options.holdTtlMs),
      expiryListeners: [],
      auditMoney: auditMoneyMovement,
    };
    this.upkeep = {
      sweepIntervalMs: options.sweepIntervalMs ?? 30_000,
      // A live hold is renewed twice before it could expire, so one late tick costs nothing.
      renewIntervalMs: Math.max(1, Math.floor(options.holdTtlMs / 3)),
    };
  }

  hold(input: HoldInput): Promise<CreditHold> {
    return placeHold(this.deps, input);
  }

  settle(holdId: string, actualCost: number, details?: SettleDetails): Promise<HoldOutcome> {
    return resolveHold(this.deps, holdId, { status: 'settled', cost: actualCost, details });
  }

  release(holdId: string, reason?: string): Promise<HoldOutcome> {
    return resolveHold(this.deps, holdId, { status: 'released', reason });
  }

  onHoldExpired(listener: HoldExpiredListener): void {
    this.deps.expiryListeners.push(listener);
  }

  async balance(userId: string): Promise<Balance> {
    const accountId = await this.deps.accounts.existingUser(userId);
    if (!accountId) return { balance: 0, held: 0, available: 0 };
    const row = await this.deps.db
      .selectFrom('credit_accounts')
      .select(['balance', 'held'])
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    return toBalance(row);
  }

  /** Credits a user from `system:grants`, exactly once per idempotency key. */
  grant(input: GrantInput): Promise<GrantResult> {
    return grantCredits(this.deps, input);
  }

  /** The user's ledger history, newest first. */
  transactions(userId: string, options: { cursor?: string; limit: number }): Promise<HistoryPage> {
    return listTransactions(this.deps.db, this.deps.accounts, userId, options);
  }

  /** Applies one verified payment-provider event (exactly once per event id). */
  applyPaymentEvent(event: PaymentEvent): Promise<PaymentOutcome> {
    return applyPaymentEvent(this.deps, event);
  }

  /** Expires open holds past their time; what the sweeper runs. */
  sweepExpiredHolds(now = Date.now()): Promise<number> {
    return sweepExpiredHolds(this.deps, now);
  }

  /**
   * Pushes the expiry of this process's live holds (`keepAlive`) a TTL past `now`; what the
   * renewer runs every third of the TTL. Resolves with how many open holds it renewed.
   */
  renewLiveHolds(now = Date.now()): Promise<number> {
    return this.deps.renewer.renew(now);
  }

  /** Recomputes balances and held amounts from the ledger and reports any difference. */
  verifyLedger(): Promise<LedgerReport> {
    return verifyLedger(this.deps.db);
  }
}
