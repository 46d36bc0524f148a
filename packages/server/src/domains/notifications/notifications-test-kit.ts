import type { StreamEvent } from '@smart-ai-hub/adapters';
import type { DatabaseDialect } from '@smart-ai-hub/adapters/testing';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

/** Each dialect with the coordination it runs beside in production: SQLite + memory, Postgres + Redis. */
export function notificationsHub(
  dialect: DatabaseDialect,
  options: { smtpUrl?: string; listen?: boolean } = {},
): Promise<TestHub & { url: string }> {
  return createTestHub({
    dialect,
    coordination: dialect === 'postgres' ? 'redis' : 'memory',
    listen: options.listen,
    env: options.smtpUrl ? { SMTP_URL: `${options.smtpUrl}?ignoreTLS=true` } : {},
  });
}

let seq = 0;

/** A `payment.succeeded` event for `userId`, as the credits domain appends it. */
export function paymentEvent(userId: string, credits = 10): StreamEvent {
  seq += 1;
  return {
    id: `0-${Date.now()}${seq}`,
    type: 'payment.succeeded',
    data: { userId, paymentId: `pi_test_${seq}`, credits, amount: 1000, currency: 'usd' },
    deliveries: 1,
  };
}

/** Polls `read` until `done` holds for its value (or throws after `timeoutMs`); answers the value. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
