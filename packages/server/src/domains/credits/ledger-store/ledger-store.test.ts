import { createTestDatabase, testDialects } from '@smart-ai-hub/adapters/testing';
import { createLedgerStore } from './create-ledger-store.js';
import { describeLedgerStoreConformance } from './ledger-store.conformance.js';

// Each engine's store (`SqliteLedgerStore`, `PostgresLedgerStore`), as the credits service picks it.
for (const dialect of await testDialects()) {
  describeLedgerStoreConformance(dialect, async () => {
    const database = await createTestDatabase(dialect);
    return { database, store: createLedgerStore(database), close: () => database.drop() };
  });
}
