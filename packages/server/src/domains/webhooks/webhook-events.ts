import type { WebhookEventType } from '@smart-ai-hub/sdk';
import { AUDIT_ACTION_PATTERN } from '../audit/audit-entry.js';

/** Every event type an endpoint may name, besides the `audit.*` family. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'user.created',
  'user.disabled',
  'credits.granted',
  'credits.low',
  'payment.succeeded',
  'payment.refunded',
  'api_key.created',
  'api_key.revoked',
  'usage.daily',
  'provider.circuit_opened',
  'provider.circuit_closed',
];

const KNOWN = new Set<string>(WEBHOOK_EVENT_TYPES);

/**
 * Why `pattern` cannot be subscribed to, or null when it can: a known event type, `audit.*`, an
 * audit area (`audit.auth.*`) or an audit action (`audit.user.role_changed`).
 */
export function subscriptionRefusal(pattern: string): string | null {
  if (KNOWN.has(pattern) || pattern === 'audit.*') return null;
  if (pattern.startsWith('audit.')) {
    const rest = pattern.slice('audit.'.length);
    const name = rest.endsWith('.*') ? `${rest.slice(0, -2)}.x` : rest;
    if (AUDIT_ACTION_PATTERN.test(name)) return null;
  }
  return `unknown event "${pattern}": use one of ${WEBHOOK_EVENT_TYPES.join(', ')}, audit.*, audit.<area>.* or audit.<action>`;
}

/** True when one of `patterns` takes events of `type` (`audit.*` takes every `audit.` event). */
export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : p === type));
}
