import type { Database } from '@smart-ai-hub/adapters';
import type { WebhookDeliveryDetail, WebhookDeliveryInfo, WebhookDeliveryPage } from '@smart-ai-hub/sdk';
import type { Kysely } from 'kysely';
import { conflict, notFound } from '../../http/hub-error.js';
import { toAttemptInfo, toDeliveryInfo } from './webhook-wire.js';

/** An endpoint's delivery log: list, read with every attempt, resend. */
export interface WebhookDeliveries {
  list(
    endpointId: string,
    query: { status?: WebhookDeliveryInfo['status']; cursor?: string; limit: number },
  ): Promise<WebhookDeliveryPage>;
  get(endpointId: string, deliveryId: string): Promise<WebhookDeliveryDetail>;
  /**
   * Sends the delivery again: pending now, with a fresh retry window (its attempts log goes on).
   * 409 while an attempt of it is in flight.
   */
  resend(endpointId: string, deliveryId: string): Promise<WebhookDeliveryInfo>;
}

export function createWebhookDeliveries(
  db: Kysely<Database>,
  options: { retryWindowMs: number; onResend: () => void; now?: () => number },
): WebhookDeliveries {
  const now = options.now ?? Date.now;
  const find = async (endpointId: string, deliveryId: string) => {
    const row = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .where('endpoint_id', '=', endpointId)
      .executeTakeFirst();
    if (!row) throw notFound('Webhook delivery');
    return row;
  };
  return {
    async list(endpointId, { status, cursor, limit }) {
      let query = db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (status) query = query.where('status', '=', status);
      if (cursor) query = query.where('id', '<', cursor);
      const rows = await query.execute();
      const data = rows.slice(0, limit).map(toDeliveryInfo);
      return { data, nextCursor: rows.length > limit ? data.at(-1)!.id : null };
    },
    async get(endpointId, deliveryId) {
      const row = await find(endpointId, deliveryId);
      const attempts = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('attempt')
        .execute();
      return {
        ...toDeliveryInfo(row),
        message: JSON.parse(row.payload),
        attemptLog: attempts.map(toAttemptInfo),
      };
    },
    async resend(endpointId, deliveryId) {
      await find(endpointId, deliveryId);
      const time = now();
      const row = await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'pending',
          next_attempt_at: time,
          retry_until: time + options.retryWindowMs,
          finished_at: null,
          updated_at: time,
        })
        .where('id', '=', deliveryId)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', time)]))
        .returningAll()
        .executeTakeFirst();
      if (!row)
        throw conflict('This delivery is being attempted right now: ask again once the attempt ended');
      options.onResend();
      return toDeliveryInfo(row);
    },
  };
}
