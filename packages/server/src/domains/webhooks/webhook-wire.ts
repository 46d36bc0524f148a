import type { WebhookAttemptsTable, WebhookDeliveriesTable } from '@smart-ai-hub/adapters';
import type { WebhookAttemptInfo, WebhookDeliveryInfo, WebhookEndpointInfo } from '@smart-ai-hub/sdk';
import type { Selectable } from 'kysely';
import { parseEvents, type WebhookEndpointRow } from './webhook-endpoints.js';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

/** An endpoint as the API shows it (never its secret). */
export function toEndpointInfo(row: WebhookEndpointRow): WebhookEndpointInfo {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: parseEvents(row),
    disabled: row.disabled_at !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function toDeliveryInfo(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryInfo {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    messageId: row.message_id,
    eventType: row.event_type,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastStatus: row.last_status,
    lastLatencyMs: row.last_latency_ms,
    lastResponse: row.last_response,
    lastError: row.last_error,
    createdAt: iso(row.created_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  };
}

export function toAttemptInfo(row: Selectable<WebhookAttemptsTable>): WebhookAttemptInfo {
  return {
    attempt: row.attempt,
    at: iso(row.started_at),
    status: row.status,
    latencyMs: row.latency_ms,
    response: row.response,
    error: row.error,
  };
}
