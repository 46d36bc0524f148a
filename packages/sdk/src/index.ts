export * from './wire/errors.js';
