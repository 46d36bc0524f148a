import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import { unitsToCredits } from '../credits/money.js';
import { recordAudit } from './record-audit.js';

/** A movement of money, as the credits domain reports it to the audit log. Amounts in units. */
export type MoneyMovement =
  | {
      kind: 'grant';
      userId: string;
      /** Units credited (> 0). */
      amount: number;
      transactionId: string;
      idempotencyKey: string;
      /** The admin who granted it, when one did. */
      grantedBy?: string | null;
      description?: string | null;
    }
  | {
      kind: 'payment_event';
      /** The buyer, when the event names one of the hub's users. */
      userId: string | null;
      /** Units this event moved to the user: > 0 a payment, < 0 a refund or dispute, 0 nothing. */
      amount: number;
      provider: string;
      /** The provider's event id and type (`checkout.session.completed`, `charge.refunded`, ...). */
      eventId: string;
      eventType: string;
      paymentId: string;
      /** Why a session event credited nothing (`unknown_session`, `underpaid`, ...). */
      refused?: string;
    };

/**
 * What the credits domain calls inside the transaction that moves money (a grant, a payment, a
 * refund, a dispute), so that the movement and its audit record commit together or not at all.
 */
export type MoneyAuditHook = (trx: Kysely<Database>, movement: MoneyMovement) => Promise<void>;

/** The audit side of {@link MoneyAuditHook}: one record per movement, amounts in credits. */
export const auditMoneyMovement: MoneyAuditHook = async (trx, movement) => {
  if (movement.kind === 'grant') {
    await recordAudit(trx, {
      action: 'credits.granted',
      userId: movement.userId,
      target: { type: 'user', id: movement.userId },
      changes: { after: { amount: unitsToCredits(movement.amount) } },
      details: {
        transactionId: movement.transactionId,
        idempotencyKey: movement.idempotencyKey,
        ...(movement.grantedBy ? { grantedBy: movement.grantedBy } : {}),
        ...(movement.description ? { description: movement.description } : {}),
      },
    });
    return;
  }
  const action = movement.refused
    ? 'payment.refused'
    : movement.amount > 0
      ? 'payment.succeeded'
      : movement.amount < 0
        ? movement.eventType.includes('dispute')
          ? 'payment.disputed'
          : 'payment.refunded'
        : 'payment.recorded';
  await recordAudit(trx, {
    action,
    // The provider speaks through its signed webhook: no user of the hub acts.
    actor: { kind: 'system' },
    userId: movement.userId,
    target: { type: 'payment', id: movement.paymentId },
    changes: { after: { amount: unitsToCredits(movement.amount) } },
    details: {
      provider: movement.provider,
      eventId: movement.eventId,
      eventType: movement.eventType,
      ...(movement.refused ? { refused: movement.refused } : {}),
    },
  });
};
