export { deleteKeysWithPrefix } from '../coordination/redis/delete-keys-with-prefix.js';
export type { DatabaseDialect } from '../database/database.js';
export { migrateToLatest } from '../database/migrate.js';
export { migrations } from '../database/migrations/index.js';
export * from './services.js';
export * from './test-database.js';
