import { testDialects } from '../testing/test-database.js';
import { describeDatabaseConformance } from './database.conformance.js';

for (const dialect of await testDialects()) describeDatabaseConformance(dialect);
