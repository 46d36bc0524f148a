import { describe, expect, it } from 'vitest';
import { subscribes, subscriptionRefusal } from './webhook-events.js';

describe('webhook subscriptions', () => {
  it.each([
    'user.created',
    'usage.daily',
    'provider.circuit_closed',
    'audit.*',
    'audit.auth.*',
    'audit.user.role_changed',
  ])('accept %s', (pattern) => expect(subscriptionRefusal(pattern)).toBeNull());
  it.each(['user.deleted', '*', 'audit', 'audit.', 'audit.*.x', 'credits.*', 'Audit.*'])(
    'refuse %s',
    (pattern) => expect(subscriptionRefusal(pattern)).toMatch(/unknown event/),
  );
  it('match exact types and audit areas', () => {
    expect(subscribes(['audit.*'], 'audit.auth.signed_in')).toBe(true);
    expect(subscribes(['audit.auth.*'], 'audit.auth.signed_in')).toBe(true);
    expect(subscribes(['audit.auth.*'], 'audit.api_key.created')).toBe(false);
    expect(subscribes(['audit.*'], 'user.created')).toBe(false);
    expect(subscribes(['user.created'], 'user.created')).toBe(true);
    expect(subscribes(['user.created'], 'user.created_twice')).toBe(false);
  });
});
