export * from './services.js';
export * from './test-database.js';
