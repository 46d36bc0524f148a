import type { DatabaseDialect, HubDatabase } from '@smart-ai-hub/adapters';
import type { KyselyLedgerStore } from './kysely-ledger-store.js';
import { createLedgerStatements, type LedgerStatements } from './ledger-statements.js';
import type { LedgerStore } from './ledger-store.js';
import { PostgresLedgerStore } from './postgres-ledger-store.js';
import { SqliteLedgerStore } from './sqlite-ledger-store.js';

/** The ledger store of each database engine (a new engine is a compile error until it has one). */
const STORES: Record<
  DatabaseDialect,
  new (
    database: HubDatabase,
    statements: LedgerStatements,
  ) => KyselyLedgerStore
> = {
  sqlite: SqliteLedgerStore,
  postgres: PostgresLedgerStore,
};

/** The ledger store for `database`'s engine, over `statements` (compiled for it, once). */
export function createLedgerStore(
  database: HubDatabase,
  statements: LedgerStatements = createLedgerStatements(database.db),
): LedgerStore {
  return new STORES[database.dialect](database, statements);
}
