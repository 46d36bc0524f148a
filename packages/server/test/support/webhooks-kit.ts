import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Coordination, createMemoryCoordination, createRedisCoordination } from '@smart-ai-hub/adapters';
import {
  createTestDatabase,
  type DatabaseDialect,
  deleteKeysWithPrefix,
  redisUrlForTests,
  type TestDatabase,
} from '@smart-ai-hub/adapters/testing';
import type { WebhookMessage } from '@smart-ai-hub/sdk';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config/load-config.js';
import { buildHubApp } from '../../src/hub/build-app.js';

/** One request a {@link WebhookReceiver} got. */
export interface ReceivedRequest {
  messageId: string;
  type: string;
  /** What the receiver answered. */
  status: number;
  /** True when one of the receiver's secrets verified it with the `standardwebhooks` package. */
  verified: boolean;
  message: WebhookMessage;
  headers: IncomingHttpHeaders;
}

/** A Standard Webhooks receiver on 127.0.0.1 that verifies each message and answers as scripted. */
export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Secrets a message may verify with (set them once the endpoint was registered). */
  secrets: string[];
  /** The answer to each request (its `nth` for the message, from 1); a promise holds the request. Default 200. */
  answer: (request: { messageId: string; type: string; nth: number }) => number | Promise<number>;
  /** The messages answered 2xx, by id: how many times each. */
  accepted(): Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const seen = new Map<string, number>();
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    secrets: [],
    answer: () => 200,
    accepted() {
      const counts = new Map<string, number>();
      for (const r of receiver.requests) {
        if (r.status >= 200 && r.status < 300) counts.set(r.messageId, (counts.get(r.messageId) ?? 0) + 1);
      }
      return counts;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const verified = receiver.secrets.some((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    const message = JSON.parse(body) as WebhookMessage;
    const messageId = String(req.headers['webhook-id']);
    const nth = (seen.get(messageId) ?? 0) + 1;
    seen.set(messageId, nth);
    const status = await receiver.answer({ messageId, type: message.type, nth });
    receiver.requests.push({
      messageId,
      type: message.type,
      status,
      verified,
      message,
      headers: req.headers,
    });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'thanks' : `no: ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/**
 * A database and coordination store that outlive the hubs started on them: replicas of one
 * installation, and restarts of one replica. SQLite + memory, or PostgreSQL + Redis.
 */
export interface WebhookStack {
  database: TestDatabase;
  coordination: Coordination;
  /** Starts a replica (its own Fastify app) on the shared stores. */
  startHub(env?: Record<string, string>): Promise<FastifyInstance>;
  /** Closes every replica still running and drops the stores. */
  close(): Promise<void>;
}

export async function openWebhookStack(
  dialect: DatabaseDialect,
  env: Record<string, string> = {},
): Promise<WebhookStack> {
  const database = await createTestDatabase(dialect);
  const keyPrefix = `test:${randomUUID()}:`;
  const coordination =
    dialect === 'postgres'
      ? createRedisCoordination({ url: redisUrlForTests, keyPrefix })
      : createMemoryCoordination();
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-webhooks-'));
  const apps = new Set<FastifyInstance>();
  return {
    database,
    coordination,
    async startHub(extra = {}) {
      const config = loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        HUB_SECRET: 'test-secret-test-secret-test-secret-0123456789',
        HUB_DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        HUB_ALLOW_PRIVATE_URLS: '127.0.0.1',
        HUB_WEBHOOK_FIRST_RETRY: '0.05',
        HUB_WEBHOOK_TIMEOUT: '5',
        ...env,
        ...extra,
      });
      const app = await buildHubApp({
        defaultMetrics: false,
        console: false,
        config,
        database,
        coordination,
      });
      app.addHook('onClose', async () => {
        apps.delete(app);
      });
      await app.ready();
      apps.add(app);
      return app;
    },
    async close() {
      for (const app of [...apps]) await app.close();
      if (dialect === 'postgres') {
        const { default: Redis } = await import('ioredis');
        const redis = new Redis(redisUrlForTests);
        await deleteKeysWithPrefix(redis, keyPrefix);
        redis.disconnect();
      }
      await coordination.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
