import type { StreamEvent } from '@smart-ai-hub/adapters';
import type { WebhookEvent } from './webhook-fanout.js';

/**
 * The webhook event a hub event (from the durable event stream) stands for, or null when it is
 * none: `credits.low`, `payment.*` and `provider.circuit_*` as they are; a grant's
 * `credits.changed` as `credits.granted`. Its message id is the stream's id for the event, so a
 * redelivered event makes no second delivery.
 */
export function webhookEventOfHubEvent(event: StreamEvent, now: number): WebhookEvent | null {
  const messageId = `msg_${event.id}`;
  const at = typeof event.data.at === 'number' ? event.data.at : now;
  switch (event.type) {
    case 'credits.low':
    case 'payment.succeeded':
    case 'payment.refunded':
    case 'provider.circuit_opened':
    case 'provider.circuit_closed':
      return { messageId, type: event.type, at, data: event.data };
    case 'credits.changed': {
      if (event.data.reason !== 'grant') return null;
      const { delta, reason: _reason, ...rest } = event.data;
      return { messageId, type: 'credits.granted', at, data: { ...rest, amount: delta } };
    }
    default:
      return null;
  }
}
