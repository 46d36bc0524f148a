import type { Coordination } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import type { Balance } from './credits-port.js';
import { unitsToCredits } from './money.js';

/** The stream every hub event goes to (notifications consume it with a consumer group). */
export const HUB_EVENT_STREAM = 'hub-events';

/** Credits events, as appended to {@link HUB_EVENT_STREAM}. Amounts are in credits. */
export type CreditEvent =
  | { type: 'credits.changed'; data: { userId: string; reason: string; delta: number } & BalanceInCredits }
  | { type: 'credits.low'; data: { userId: string; threshold: number } & BalanceInCredits }
  | {
      type: 'payment.succeeded';
      data: { userId: string; paymentId: string; credits: number; amount: number; currency: string | null };
    }
  | {
      type: 'payment.refunded';
      data: { userId: string; paymentId: string; credits: number; reason: string };
    };

type BalanceInCredits = {
  balance: number;
  held: number;
  available: number;
};

export function balanceInCredits(balance: Balance): BalanceInCredits {
  return {
    balance: unitsToCredits(balance.balance),
    held: unitsToCredits(balance.held),
    available: unitsToCredits(balance.available),
  };
}

/**
 * Collects events during a money transaction and appends them after it committed (so a
 * rolled-back movement never announces itself). Delivery is best effort: a failed append is
 * logged, never undoes the committed movement.
 */
export class CreditEvents {
  constructor(
    private readonly coordination: Coordination,
    private readonly log: FastifyBaseLogger,
    /** Units below which a balance is low. */
    readonly lowThreshold: number,
  ) {}

  /**
   * The events of a balance change by `delta` units ending at `after`: `credits.changed`, and
   * `credits.low` when this change crossed the threshold downwards (before >= threshold > after).
   * `after` comes from the same guarded `update ... returning`, so exactly one change crosses.
   */
  balanceChanged(userId: string, delta: number, after: Balance, reason: string): CreditEvent[] {
    const events: CreditEvent[] = [
      {
        type: 'credits.changed',
        data: { userId, reason, delta: unitsToCredits(delta), ...balanceInCredits(after) },
      },
    ];
    const before = after.balance - delta;
    if (before >= this.lowThreshold && after.balance < this.lowThreshold) {
      events.push({
        type: 'credits.low',
        data: { userId, threshold: unitsToCredits(this.lowThreshold), ...balanceInCredits(after) },
      });
    }
    return events;
  }

  /**
   * Appends the events, all issued before this returns its promise (so they keep their order
   * against anything appended after the call, awaited or not: commands go out in call order).
   */
  async publish(events: CreditEvent[]): Promise<void> {
    await Promise.all(
      events.map((event) =>
        this.coordination.events.append(HUB_EVENT_STREAM, event.type, { ...event.data }).catch((error) => {
          this.log.error({ err: error, type: event.type }, 'could not append a credits event');
        }),
      ),
    );
  }
}
