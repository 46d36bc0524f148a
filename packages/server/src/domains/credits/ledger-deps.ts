import type { Database, DatabaseDialect, HubDatabase } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { AccountDirectory } from './accounts.js';
import type { CreditEvents } from './credit-events.js';
import type { HoldExpiredListener } from './credits-port.js';
import type { HoldFactsCache } from './hold-facts.js';
import type { HoldRenewer } from './hold-renewer.js';
import type { LedgerStatements } from './ledger-statements.js';

/** What the ledger's operations run on (built once by the credits service). */
export interface LedgerDeps {
  db: Kysely<Database>;
  dialect: DatabaseDialect;
  /** A transaction synced to disk before it resolves: for money coming in or going back out. */
  durableTransaction: HubDatabase['durableTransaction'];
  /** A small write unit that may share its commit (holds and their resolutions: the hot path). */
  groupCommit: HubDatabase['groupCommit'];
  accounts: AccountDirectory;
  events: CreditEvents;
  log: FastifyBaseLogger;
  /** Default hold lifetime, ms. */
  holdTtlMs: number;
  /** The hot path's statements, compiled once. */
  statements: LedgerStatements;
  /** Facts of the holds this process placed and has not resolved. */
  openHolds: HoldFactsCache;
  /** This process's live holds, kept from expiring (`HoldInput.keepAlive`). */
  renewer: HoldRenewer;
  /** Run inside the transaction that expires a hold (`CreditsPort.onHoldExpired`). */
  expiryListeners: HoldExpiredListener[];
}
