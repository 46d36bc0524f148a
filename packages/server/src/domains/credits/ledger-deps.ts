import type { Database, DatabaseDialect, HubDatabase } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import type { AccountDirectory } from './accounts.js';
import type { CreditEvents } from './credit-events.js';

/** What the ledger's operations run on (built once by the credits service). */
export interface LedgerDeps {
  db: Kysely<Database>;
  dialect: DatabaseDialect;
  /** A transaction synced to disk before it resolves: for money coming in or going back out. */
  durableTransaction: HubDatabase['durableTransaction'];
  accounts: AccountDirectory;
  events: CreditEvents;
  /** Default hold lifetime, ms. */
  holdTtlMs: number;
}
