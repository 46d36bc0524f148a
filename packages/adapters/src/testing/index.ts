export type { DatabaseDialect } from '../database/database.js';
export * from './services.js';
export * from './test-database.js';
