import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Coordination, createMemoryCoordination, createRedisCoordination } from '@smart-ai-hub/adapters';
import {
  createTestDatabase,
  type DatabaseDialect,
  redisUrlForTests,
  type TestDatabase,
} from '@smart-ai-hub/adapters/testing';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { loadConfig } from '../../src/config/load-config.js';
import { buildHubApp } from '../../src/hub/build-app.js';
import type { HubContext } from '../../src/hub/hub-context.js';
import type { HubOptions } from '../../src/hub/hub-options.js';

export interface TestHub {
  app: FastifyInstance;
  hub: HubContext;
  database: TestDatabase;
  coordination: Coordination;
  /** Closes the app, drops the database, deletes the Redis keys and the data folder. */
  close(): Promise<void>;
}

export interface TestHubOptions extends Omit<HubOptions, 'config' | 'database' | 'coordination'> {
  dialect?: DatabaseDialect;
  coordination?: 'memory' | 'redis';
  /** Extra environment variables (the defaults are a quiet test hub with a fixed secret). */
  env?: Record<string, string | undefined>;
  /** Listen on 127.0.0.1 (for clients that need a real socket); default: inject only. */
  listen?: boolean;
  /** Fastify's logger options (a test that reads the log passes a `stream`); default: `LOG_LEVEL`'s. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * A hub on a database and coordination store of its own, for one test file: real SQLite or
 * PostgreSQL, real memory or Redis coordination. Nothing it makes outlives `close()`.
 */
export async function createTestHub(options: TestHubOptions = {}): Promise<TestHub & { url: string }> {
  const {
    dialect = 'sqlite',
    coordination: coordinationKind = 'memory',
    env = {},
    listen = false,
    ...rest
  } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const database = await createTestDatabase(dialect);
  const keyPrefix = `test:${randomUUID()}:`;
  const coordination =
    coordinationKind === 'redis'
      ? createRedisCoordination({ url: redisUrlForTests, keyPrefix })
      : createMemoryCoordination();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HUB_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    HUB_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    ...env,
  });
  const app = await buildHubApp({ defaultMetrics: false, ...rest, config, database, coordination });
  await app.ready();
  let url = '';
  if (listen) url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    hub: app.hub,
    database,
    coordination,
    url,
    async close() {
      await app.close();
      if (coordinationKind === 'redis') await deleteRedisKeys(keyPrefix);
      await coordination.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrlForTests);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
