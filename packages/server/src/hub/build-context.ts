import {
  type Coordination,
  createDatabase,
  createMemoryCoordination,
  createRedisCoordination,
  type HubDatabase,
} from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import { resolveHubSecret } from '../config/hub-secret.js';
import { loadConfig } from '../config/load-config.js';
import { createHubMetrics } from '../metrics/hub-metrics.js';
import { openHubTracer } from '../tracing/hub-tracer.js';
import type { HubContext, HubServices } from './hub-context.js';
import type { HubOptions } from './hub-options.js';

/** A {@link HubContext} plus the means to close what it opened. */
export interface OpenHubContext extends HubContext {
  close(): Promise<void>;
}

/**
 * Opens what the hub runs on: configuration, database (migrated), coordination, secret.
 * Whatever the options pass in is used as is and left open on close; what this opens, it closes.
 */
export async function buildHubContext(options: HubOptions, log: FastifyBaseLogger): Promise<OpenHubContext> {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  const closers: Array<() => Promise<void> | void> = [];

  let database: HubDatabase;
  if (options.database) database = options.database;
  else {
    database = await createDatabase(config.env.DATABASE_URL, {
      poolSize: config.env.DATABASE_POOL_SIZE,
      sqliteSynchronous: config.env.SQLITE_SYNCHRONOUS,
      postgresSynchronousCommit: config.env.POSTGRES_SYNCHRONOUS_COMMIT,
      postgresPreparedStatements: config.env.POSTGRES_PREPARED_STATEMENTS === 'on',
    });
    closers.push(() => database.close());
  }
  try {
    if (options.migrate !== false) {
      const report = await database.migrate();
      if (report.applied.length > 0) log.info({ applied: report.applied }, 'database migrated');
    }

    const secret = await resolveHubSecret(config, database);
    if (secret.source !== 'env')
      log.info({ source: secret.source }, 'HUB_SECRET not set: using the generated secret');

    let coordination: Coordination;
    if (options.coordination) coordination = options.coordination;
    else if (config.env.REDIS_URL) {
      coordination = createRedisCoordination({
        url: config.env.REDIS_URL,
        keyPrefix: config.env.REDIS_KEY_PREFIX,
      });
      closers.push(() => coordination.close());
    } else {
      coordination = createMemoryCoordination();
      closers.push(() => coordination.close());
    }

    const tracing = openHubTracer(config.env, options.tracerProvider);
    closers.push(() => tracing.close());

    const context: OpenHubContext = {
      config,
      database,
      db: database.db,
      coordination,
      secret,
      log,
      metrics: createHubMetrics({
        enabled: config.env.HUB_METRICS === 'on',
        defaultMetrics: options.defaultMetrics ?? false,
      }),
      tracer: tracing.tracer,
      services: {} as HubServices,
      authenticate: async () => null,
      onClose(fn) {
        closers.push(fn);
      },
      async close() {
        for (const fn of closers.splice(0).reverse()) {
          try {
            await fn();
          } catch (error) {
            log.error({ err: error }, 'error while closing the hub');
          }
        }
      },
    };
    return context;
  } catch (error) {
    for (const fn of closers.reverse()) await fn();
    throw error;
  }
}
