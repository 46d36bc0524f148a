import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { HubDomain } from '../../hub/hub-domain.js';
import { createAddressPolicy } from '../../outbound/address-policy.js';
import { createGuardedAgent } from '../../outbound/guarded-agent.js';
import { HUB_EVENT_STREAM } from '../credits/credit-events.js';
import { usageByUser } from '../models/usage/usage-by-user.js';
import { EventConsumer } from '../notifications/event-consumer.js';
import { followAuditLog } from './audit-follower.js';
import { DeliveryWorker } from './delivery-worker.js';
import { webhookEventOfHubEvent } from './hub-event-webhooks.js';
import { startPolling } from './polling-loop.js';
import { summarizeUsageDay } from './usage-daily.js';
import { createWebhookDeliveries, type WebhookDeliveries } from './webhook-deliveries.js';
import { createWebhookEndpoints, type WebhookEndpoints } from './webhook-endpoints.js';
import { WebhookFanout } from './webhook-fanout.js';
import { webhookRoutes } from './webhook-routes.js';
import { createSecretBox } from './webhook-secret.js';

export interface WebhooksService {
  endpoints: WebhookEndpoints;
  deliveries: WebhookDeliveries;
  /** Makes deliveries of events (what the sources below feed). */
  fanout: WebhookFanout;
  worker: DeliveryWorker;
}

declare module '../../hub/hub-context.js' {
  interface HubServices {
    webhooks: WebhooksService;
  }
}

/** The consumer group webhooks read hub events with. */
export const WEBHOOKS_GROUP = 'webhooks';
/** How often each replica follows the audit log into deliveries, and looks for a usage day to summarize. */
const AUDIT_FOLLOW_MS = 1_000;
const USAGE_DAILY_MS = 10 * 60_000;

/**
 * Signed outbound webhooks (Standard Webhooks): endpoints admins register, fed from the durable
 * event stream (credits, payments, provider circuits; consumer group `webhooks`), from the audit
 * log (`audit.*`, users, API keys) and from a daily usage summary; delivered by every replica's
 * worker, each attempt made once, retried with backoff for `HUB_WEBHOOK_RETRY_WINDOW`.
 */
export const webhooksDomain: HubDomain = {
  name: 'webhooks',
  setup(hub) {
    const { env } = hub.config;
    const policy = createAddressPolicy(env.HUB_ALLOW_PRIVATE_URLS);
    const timeoutMs = env.HUB_WEBHOOK_TIMEOUT * 1_000;
    const retryWindowMs = env.HUB_WEBHOOK_RETRY_WINDOW * 1_000;
    const agent = createGuardedAgent(policy, { connectTimeoutMs: timeoutMs });
    hub.onClose(() => agent.close());
    const endpoints = createWebhookEndpoints({
      db: hub.db,
      box: createSecretBox(hub.secret.deriveKey('webhook-secrets')),
      policy,
    });
    const worker = new DeliveryWorker({
      db: hub.db,
      endpoints,
      dispatcher: agent,
      replica: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      timeoutMs,
      firstRetryMs: env.HUB_WEBHOOK_FIRST_RETRY * 1_000,
      log: hub.log,
    });
    const wake = () => worker.wake();
    hub.services.webhooks = {
      endpoints,
      deliveries: createWebhookDeliveries(hub.db, { retryWindowMs, onResend: wake }),
      fanout: new WebhookFanout({ db: hub.db, endpoints, retryWindowMs, onEnqueued: wake }),
      worker,
    };
  },
  routes: (app, hub) => webhookRoutes(app, hub),
  async start(hub) {
    const { fanout, worker, endpoints } = hub.services.webhooks;
    // Closed in reverse: the sources stop first, then the worker lets its attempts finish.
    worker.start();
    hub.onClose(() => worker.stop());
    const consumer = new EventConsumer({
      events: hub.coordination.events,
      stream: HUB_EVENT_STREAM,
      group: WEBHOOKS_GROUP,
      handle: async (event) => {
        const webhookEvent = webhookEventOfHubEvent(event, Date.now());
        if (webhookEvent) await fanout.enqueue([webhookEvent]);
      },
      // Only a database outage fails a fan-out: ride out an hour of it (redelivered every 30 s).
      maxDeliveries: 120,
      log: hub.log,
    });
    await consumer.start();
    hub.onClose(() => consumer.stop());
    const follower = startPolling(
      () => followAuditLog(hub.db, hub.services.audit, fanout, () => worker.wake()),
      {
        everyMs: AUDIT_FOLLOW_MS,
        log: hub.log,
        what: 'following the audit log into webhook deliveries',
      },
    );
    hub.onClose(() => follower.stop());
    const daily = startPolling(
      () =>
        summarizeUsageDay({
          db: hub.db,
          endpoints,
          fanout,
          usageByUser: (from, to) => usageByUser(hub.db, from, to),
          now: Date.now(),
        }),
      { everyMs: USAGE_DAILY_MS, log: hub.log, what: 'the daily usage summary for webhooks' },
    );
    hub.onClose(() => daily.stop());
  },
};
