import type { Coordination, HubDatabase } from '@smart-ai-hub/adapters';
import type { HubConfig } from '../config/load-config.js';

/**
 * What `createHub()` takes. Everything is optional: with nothing, the hub reads its configuration
 * from the environment and opens the database and coordination it names. Domains add their own
 * options (the auth hook, custom providers, ...) by declaration merging.
 */
export interface HubOptions {
  /** A configuration built with `loadConfig()`; default: `loadConfig(env)`. */
  config?: HubConfig;
  /** Environment variables to read when `config` is not given; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** An open database to use instead of `DATABASE_URL` (the hub does not close it). */
  database?: HubDatabase;
  /** A coordination adapter to use instead of `REDIS_URL` / memory (the hub does not close it). */
  coordination?: Coordination;
  /** Collect Node's default process metrics in `/metrics` (the appliance turns it on). */
  defaultMetrics?: boolean;
  /** Run migrations on start (default true). */
  migrate?: boolean;
  /**
   * Serve the web console at the hub's root (under its prefix): true or false. Default false for
   * an embedded hub; the appliance (`buildHubApp`) serves it unless `HUB_CONSOLE=off`. `{ dir }`
   * serves a console built elsewhere.
   */
  console?: boolean | { dir?: string };
}
