export { ConfigError, type HubConfig, loadConfig } from './config/load-config.js';
export type { Env } from './config/env-schema.js';
export { buildHubApp } from './hub/build-app.js';
export { createHub } from './hub/create-hub.js';
export type { HubContext, HubServices } from './hub/hub-context.js';
export type { HubOptions } from './hub/hub-options.js';
export { HubError } from './http/hub-error.js';
export type { Permission, Principal, Role } from './domains/auth/principal.js';
