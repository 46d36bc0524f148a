import type { Tracer } from '@opentelemetry/api';
import type { Coordination, Database, HubDatabase } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { HubSecret } from '../config/hub-secret.js';
import type { HubConfig } from '../config/load-config.js';
import type { Principal } from '../domains/auth/principal.js';
import type { HubMetrics } from '../metrics/hub-metrics.js';

/**
 * The services of every domain, by name. Each domain adds its own entry by declaration merging
 * (`declare module '../../hub/hub-context.js' { interface HubServices { credits: CreditsService } }`),
 * so that adding a domain never edits this file.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each domain
export interface HubServices {}

/**
 * What the hub is built from: configuration, the two ports, the secret, the logger, and the
 * domains' services. Domains receive it when they are set up and when their routes register.
 */
export interface HubContext {
  readonly config: HubConfig;
  readonly database: HubDatabase;
  readonly db: Kysely<Database>;
  readonly coordination: Coordination;
  readonly secret: HubSecret;
  readonly log: FastifyBaseLogger;
  /** Prometheus metrics of this hub (served at `/metrics`); domains add their own. */
  readonly metrics: HubMetrics;
  /** The hub's OpenTelemetry tracer; undefined when tracing is off (the default). */
  readonly tracer: Tracer | undefined;
  readonly services: HubServices;
  /**
   * Resolves who is calling (access token, API key, host hook, trusted OIDC token), or null for an
   * anonymous request. The auth domain installs the real resolver; until then everyone is anonymous.
   */
  authenticate: (request: FastifyRequest) => Promise<Principal | null>;
  /** Work to run when the hub closes, after in-flight requests finished (last added runs first). */
  onClose(fn: () => Promise<void> | void): void;
}
