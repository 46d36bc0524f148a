import type { AuditLogTable } from '@smart-ai-hub/adapters';
import { toAuditEventInfo } from '../audit/audit-log.js';
import type { WebhookEvent } from './webhook-fanout.js';

/** Audit actions that are also events of their own (`user.created`, ...), with the facts they carry. */
const PRODUCT_EVENTS: Record<
  string,
  (row: AuditLogTable, after: Record<string, unknown>) => Record<string, unknown>
> = {
  'user.created': (row, after) => ({ userId: row.user_id, ...after }),
  'user.disabled': (row) => ({ userId: row.user_id, disabledBy: row.actor_id }),
  'api_key.created': (row, after) => ({ userId: row.user_id, apiKeyId: row.target_id, ...after }),
  'api_key.revoked': (row) => ({ userId: row.user_id, apiKeyId: row.target_id }),
};

/**
 * The webhook events of one audit record: `audit.<action>` carrying the record as the audit API
 * shows it, and, for the actions that are events of their own, that event. Message ids derive from
 * the record's id, so following the log twice makes no second delivery.
 */
export function webhookEventsOfAuditRecord(row: AuditLogTable): WebhookEvent[] {
  const info = toAuditEventInfo(row);
  const at = Number(row.at);
  const events: WebhookEvent[] = [
    {
      messageId: `msg_${row.id}`,
      type: `audit.${row.action}`,
      at,
      data: info as unknown as Record<string, unknown>,
    },
  ];
  const product = PRODUCT_EVENTS[row.action];
  if (product) {
    events.push({
      messageId: `msg_${row.id}_${row.action}`,
      type: row.action,
      at,
      data: product(row, info.changes?.after ?? {}),
    });
  }
  return events;
}
