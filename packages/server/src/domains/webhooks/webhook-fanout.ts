import { type Database, newId } from '@smart-ai-hub/adapters';
import type { WebhookMessage } from '@smart-ai-hub/sdk';
import type { Kysely } from 'kysely';
import type { WebhookEndpoints } from './webhook-endpoints.js';
import { subscribes } from './webhook-events.js';

/** An event to send to every endpoint that subscribes to its type. */
export interface WebhookEvent {
  /** Stable per event (`webhook-id`): the same event fanned out again makes no second delivery. */
  messageId: string;
  type: string;
  /** When it happened, epoch ms. */
  at: number;
  data: Record<string, unknown>;
}

export interface WebhookFanoutOptions {
  db: Kysely<Database>;
  endpoints: WebhookEndpoints;
  /** How long a delivery is retried, ms. */
  retryWindowMs: number;
  /** Called after deliveries were made outside a caller's transaction (wakes this replica's delivery worker). */
  onEnqueued?: () => void;
  now?: () => number;
}

/**
 * Turns events into deliveries: one row per event and subscribed endpoint, unique by
 * (endpoint, message id), so a source that hands an event over twice (a redelivered stream
 * event, a replica that followed the audit log at the same time) still makes one delivery.
 */
export class WebhookFanout {
  constructor(private readonly options: WebhookFanoutOptions) {}

  /** Makes the deliveries of `events` (in `trx` when given); answers how many were new. */
  async enqueue(events: WebhookEvent[], trx: Kysely<Database> = this.options.db): Promise<number> {
    if (events.length === 0) return 0;
    const endpoints = await this.options.endpoints.enabled(trx);
    const now = (this.options.now ?? Date.now)();
    const rows = events.flatMap((event) => {
      const message: WebhookMessage = {
        type: event.type,
        timestamp: new Date(event.at).toISOString(),
        data: event.data,
      };
      const payload = JSON.stringify(message);
      return endpoints
        .filter((endpoint) => subscribes(endpoint.events, event.type))
        .map((endpoint) => ({
          id: newId('whd'),
          endpoint_id: endpoint.id,
          message_id: event.messageId,
          event_type: event.type,
          payload,
          status: 'pending' as const,
          next_attempt_at: now,
          retry_until: now + this.options.retryWindowMs,
          lease_owner: null,
          lease_until: null,
          last_status: null,
          last_latency_ms: null,
          last_response: null,
          last_error: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        }));
    });
    if (rows.length === 0) return 0;
    const inserted = await trx
      .insertInto('webhook_deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['endpoint_id', 'message_id']).doNothing())
      .executeTakeFirst();
    const made = Number(inserted.numInsertedOrUpdatedRows ?? 0);
    // In a caller's transaction, the caller wakes the worker once it committed.
    if (made > 0 && trx === this.options.db) this.options.onEnqueued?.();
    return made;
  }
}
