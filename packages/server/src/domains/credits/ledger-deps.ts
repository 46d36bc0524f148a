import type { Database, HubDatabase } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { MoneyAuditHook } from '../audit/money-audit.js';
import type { AccountDirectory } from './accounts.js';
import type { CreditEvents } from './credit-events.js';
import type { HoldExpiredListener } from './credits-port.js';
import type { HoldFactsCache } from './hold-facts.js';
import type { HoldRenewer } from './hold-renewer.js';
import type { LedgerStatements } from './ledger-store/ledger-statements.js';
import type { LedgerStore } from './ledger-store/ledger-store.js';

/** What the ledger's operations run on (built once by the credits service). */
export interface LedgerDeps {
  /** For the reads every engine runs alike (history, grants, payments). */
  db: Kysely<Database>;
  /** The holds' statements, and the few others where the database engines differ. */
  store: LedgerStore;
  /** A transaction synced to disk before it resolves: for money coming in or going back out. */
  durableTransaction: HubDatabase['durableTransaction'];
  accounts: AccountDirectory;
  events: CreditEvents;
  log: FastifyBaseLogger;
  /** Default hold lifetime, ms. */
  holdTtlMs: number;
  /** The ledger's statements, compiled once (grants and payments post with them). */
  statements: LedgerStatements;
  /** Facts of the holds this process placed and has not resolved. */
  openHolds: HoldFactsCache;
  /** This process's live holds, kept from expiring (`HoldInput.keepAlive`). */
  renewer: HoldRenewer;
  /** Run inside the transaction that expires a hold (`CreditsPort.onHoldExpired`). */
  expiryListeners: HoldExpiredListener[];
  /** Writes the audit record of a grant or payment event inside the transaction that moves the money. */
  auditMoney: MoneyAuditHook;
}
