export { deleteKeysWithPrefix } from '../coordination/redis/delete-keys-with-prefix.js';
export type { DatabaseDialect } from '../database/database.js';
export * from './services.js';
export * from './test-database.js';
