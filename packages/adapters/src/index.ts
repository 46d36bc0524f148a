export * from './coordination/index.js';
export { createDatabase } from './database/create-database.js';
export {
  type DatabaseDialect,
  DatabaseNewerThanCodeError,
  type GroupCommitObserver,
  type GroupCommitStats,
  type HubDatabase,
  isUniqueViolation,
  type MigrationReport,
} from './database/database.js';
export type { CommitUnit, QueryRunner } from './database/group-commit.js';
export { type PreparedQuery, prepareQuery } from './database/prepared-query.js';
export type * from './database/schema.js';
export { serverPrepared } from './database/server-prepared.js';
export { newId } from './ids.js';
