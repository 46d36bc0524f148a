export type { Env } from './config/env-schema.js';
export { ConfigError, type HubConfig, loadConfig } from './config/load-config.js';
export type { HostAuthenticate, HostUser } from './domains/auth/host-auth.js';
export type { Permission, Principal, Role } from './domains/auth/principal.js';
export type { ModelsFileInput as ModelsConfig } from './domains/models/catalog/catalog-schema.js';
export type {
  ChatProvider,
  ProviderCall,
  ProviderDeployment,
  ProviderFactory,
} from './domains/models/providers/provider.js';
export { UpstreamError } from './domains/models/providers/upstream-error.js';
export { HubError } from './http/hub-error.js';
export { buildHubApp } from './hub/build-app.js';
export { createHub } from './hub/create-hub.js';
export type { HubContext, HubServices } from './hub/hub-context.js';
export type { HubOptions } from './hub/hub-options.js';
