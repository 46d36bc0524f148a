import { ConfigError } from '../../config/load-config.js';
import type { HubContext } from '../../hub/hub-context.js';
import type { HubOptions } from '../../hub/hub-options.js';
import { type ModelsFileConfig, type ModelsFileInput, modelsFileSchema } from './catalog/catalog-schema.js';
import { defaultCatalog } from './catalog/default-catalog.js';
import { buildCatalog, type ModelCatalog } from './catalog/model-catalog.js';
import type { RateLimits } from './metering/rate-limits.js';
import { builtInProviders } from './providers/built-in-providers.js';
import { guardedProvider } from './providers/guarded-provider.js';
import type { ProviderFactory } from './providers/provider.js';
import { CircuitBreaker } from './routing/circuit-breaker.js';
import { circuitChangePublisher } from './routing/circuit-events.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './routing/retry-policy.js';
import { UsageWriter } from './usage/usage-writer.js';

declare module '../../hub/hub-options.js' {
  interface HubOptions {
    /** The model catalog and gateway settings; default: the `models` section of `HUB_CONFIG`. */
    models?: ModelsFileInput;
    /** Extra providers by name (see `ChatProvider`); deployments name them in `provider`. */
    providers?: Record<string, ProviderFactory>;
  }
}

/** The gateway's state: catalog, circuit breakers, usage writer, limits. `hub.services.models`. */
export interface ModelsService {
  catalog: ModelCatalog;
  /** The breaker of a deployment (created on first use). */
  breaker(deploymentId: string): CircuitBreaker;
  retryPolicy: RetryPolicy;
  rateLimits: RateLimits;
  /** Response cache time to live, ms. */
  cacheTtlMs: number;
  usage: UsageWriter;
}

declare module '../../hub/hub-context.js' {
  interface HubServices {
    models: ModelsService;
  }
}

/** Builds the models service from the options, the `HUB_CONFIG` file and the environment. */
export function createModelsService(hub: HubContext, options: HubOptions): ModelsService {
  const settings = options.models ? parseModelsOption(options.models) : (hub.config.file.models ?? {});
  const defaults = defaultCatalog(hub.config.env);
  const listed = settings.models ?? [];
  const inputs =
    listed.length === 0 ? defaults : settings.includeDefaults ? [...defaults, ...listed] : listed;
  // Custom providers get the built-in ones' fault contract (deadline, first chunk, answer checks).
  const custom = Object.entries(options.providers ?? {}).map(([name, factory]) => [
    name,
    guardedProvider(factory),
  ]);
  const catalog = buildCatalog(
    inputs,
    { ...builtInProviders, ...Object.fromEntries(custom) },
    { ...process.env, ...options.env, ...(hub.config.env as unknown as Record<string, string | undefined>) },
  );
  const breakers = new Map<string, CircuitBreaker>();
  const threshold = settings.circuitBreaker?.failureThreshold ?? 5;
  const cooldownMs = settings.circuitBreaker?.cooldownMs ?? 30_000;
  const usage = new UsageWriter(hub.db, hub.log);
  const announce = circuitChangePublisher(hub.coordination, catalog, hub.log);
  hub.onClose(async () => {
    if (!(await usage.flush())) hub.log.error({ rows: usage.pending }, 'usage rows lost at shutdown');
  });
  return {
    catalog,
    breaker(id) {
      let breaker = breakers.get(id);
      if (!breaker) {
        breaker = new CircuitBreaker(threshold, cooldownMs, Date.now, (change) => announce(id, change));
        breakers.set(id, breaker);
      }
      return breaker;
    },
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
    rateLimits: settings.rateLimits ?? {},
    cacheTtlMs: (settings.cacheTtlSeconds ?? 3_600) * 1_000,
    usage,
  };
}

function parseModelsOption(input: ModelsFileInput): ModelsFileConfig {
  const parsed = modelsFileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `  models.${i.path.join('.')}: ${i.message}`).join('\n');
  throw new ConfigError(`Invalid createHub({ models }) option:\n${issues}`);
}
