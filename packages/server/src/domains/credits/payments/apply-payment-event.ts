import { isUniqueViolation } from '@smart-ai-hub/adapters';
import type { CreditEvent } from '../credit-events.js';
import type { Balance } from '../credits-port.js';
import type { LedgerDeps } from '../ledger-deps.js';
import { unitsToCredits } from '../money.js';
import { postUserTransaction } from '../post-transaction.js';
import { findCheckoutSession } from './checkout-sessions.js';
import { creditedFor, mergeFacts, type PaymentFacts, type PaymentState } from './payment-facts.js';
import { type PaymentRefusal, vetSessionFacts } from './vet-session-facts.js';

/** A verified provider event, reduced to the facts it states. */
export interface PaymentEvent {
  /** The provider's event id: recorded once in `payment_events`. */
  eventId: string;
  provider: string;
  type: string;
  facts: PaymentFacts;
}

export interface PaymentOutcome {
  /** True when the event id had been applied already: nothing moved. */
  duplicate: boolean;
  /** Set when a session event credits nothing: a session the hub never created, or underpaid. */
  refused?: PaymentRefusal;
  paymentId: string;
  /** Units moved to the user by this event (negative for a reversal). */
  delta: number;
  /** Net units credited for the payment after this event. */
  credited: number;
  balance: Balance | null;
}

/**
 * Applies one payment event exactly once, converging whatever the order: in one transaction it
 * records the event id (a replay fails on the primary key and moves nothing), merges the event's
 * facts into the payment's row (locked: see `LedgerStore.lockPayment`), computes what the
 * payment is now worth, and posts only the difference from what was credited before. So a refund
 * seen before its payment, or a second partial refund, moves exactly the new part.
 *
 * An event about a checkout session is credited only on the terms of the session the hub stored
 * when it created it (see {@link vetSessionFacts}): a session it never created is recorded as
 * seen and credits nothing; an underpaid one is never counted as paid.
 */
export async function applyPaymentEvent(deps: LedgerDeps, event: PaymentEvent): Promise<PaymentOutcome> {
  // A session's terms never change once stored: read them (and the buyer's account) ahead.
  const stored = event.facts.sessionId
    ? await findCheckoutSession(deps.db, event.provider, event.facts.sessionId)
    : undefined;
  const vetted = event.facts.sessionId ? vetSessionFacts(stored, event.facts) : undefined;
  const facts = vetted && 'facts' in vetted ? vetted.facts : event.facts;
  const refused = vetted?.refused;
  const userAccount =
    facts.userId && refused !== 'unknown_session' ? await deps.accounts.user(facts.userId) : null;
  const payments = await deps.accounts.system('payments');
  const refunds = await deps.accounts.system('refunds');
  const now = Date.now();
  let published: CreditEvent[] = [];
  try {
    const outcome = await deps.durableTransaction(async (trx) => {
      await trx
        .insertInto('payment_events')
        .values({
          id: event.eventId,
          provider: event.provider,
          type: event.type,
          object_id: facts.sessionId ?? facts.paymentId,
          // A session the hub never created names no user of ours, whatever its metadata says.
          user_id: refused === 'unknown_session' ? null : (facts.userId ?? null),
          created_at: now,
        })
        .execute();
      const audit = (userId: string | null, amount: number) =>
        deps.auditMoney(trx, {
          kind: 'payment_event',
          userId,
          amount,
          provider: event.provider,
          eventId: event.eventId,
          eventType: event.type,
          paymentId: facts.paymentId,
          ...(refused ? { refused } : {}),
        });
      if (vetted && !('facts' in vetted)) {
        await audit(refused === 'unknown_session' ? null : (facts.userId ?? null), 0);
        return {
          duplicate: false,
          refused,
          paymentId: facts.paymentId,
          delta: 0,
          credited: 0,
          balance: null,
        };
      }
      if (vetted) {
        await trx
          .updateTable('checkout_sessions')
          .set({ status: vetted.status, payment_id: facts.paymentId, updated_at: now })
          .where('id', '=', stored!.id)
          .execute();
      }
      await trx
        .insertInto('credit_payments')
        .values({ id: facts.paymentId, provider: event.provider, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await deps.store.lockPayment(trx, facts.paymentId);
      const before: PaymentState = {
        userId: row.user_id,
        credits: row.credits,
        amountTotal: row.amount_total,
        paid: row.paid_at !== null,
        amountRefunded: row.amount_refunded,
        amountDisputed: row.amount_disputed,
      };
      const after = mergeFacts(before, facts);
      // The stored session's buyer and credits hold over whatever an earlier event claimed.
      if (vetted) Object.assign(after, { userId: facts.userId, credits: facts.credits });
      const credited = creditedFor(after);
      const delta = credited - row.credited;
      await trx
        .updateTable('credit_payments')
        .set({
          user_id: after.userId,
          session_id: row.session_id ?? facts.sessionId ?? null,
          package_id: row.package_id ?? facts.packageId ?? null,
          credits: after.credits,
          amount_total: after.amountTotal,
          currency: row.currency ?? facts.currency ?? null,
          paid_at: row.paid_at ?? (after.paid ? now : null),
          failed_at: row.failed_at ?? (facts.failed ? now : null),
          amount_refunded: after.amountRefunded,
          amount_disputed: after.amountDisputed,
          credited,
          updated_at: now,
        })
        .where('id', '=', facts.paymentId)
        .execute();
      if (delta === 0 || after.userId === null) {
        await audit(after.userId, 0);
        return { duplicate: false, refused, paymentId: facts.paymentId, delta: 0, credited, balance: null };
      }
      const accountId =
        userAccount && after.userId === facts.userId ? userAccount : await deps.accounts.user(after.userId);
      const reversal = delta < 0;
      const { balance } = await postUserTransaction(
        trx,
        deps.statements,
        {
          kind: reversal ? (event.type.includes('dispute') ? 'dispute' : 'refund') : 'payment',
          idempotencyKey: `${event.provider}:${event.eventId}`,
          userId: after.userId,
          userAccountId: accountId,
          counterAccountId: reversal ? refunds : payments,
          amount: delta,
          reference: facts.paymentId,
          description: reversal ? `Reversal of payment ${facts.paymentId}` : `Payment ${facts.paymentId}`,
          metadata: { event: event.eventId, type: event.type },
        },
        now,
      );
      published = deps.events.balanceChanged(after.userId, delta, balance, reversal ? 'refund' : 'payment');
      published.push(
        reversal
          ? {
              type: 'payment.refunded',
              data: {
                userId: after.userId,
                paymentId: facts.paymentId,
                credits: unitsToCredits(-delta),
                reason: event.type,
              },
            }
          : {
              type: 'payment.succeeded',
              data: {
                userId: after.userId,
                paymentId: facts.paymentId,
                credits: unitsToCredits(delta),
                amount: after.amountTotal ?? 0,
                currency: row.currency ?? facts.currency ?? null,
              },
            },
      );
      await audit(after.userId, delta);
      return { duplicate: false, paymentId: facts.paymentId, delta, credited, balance };
    });
    await deps.events.publish(published);
    return outcome;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const seen = await deps.db
      .selectFrom('payment_events')
      .select('id')
      .where('id', '=', event.eventId)
      .executeTakeFirst();
    if (!seen) throw error;
    const row = await deps.db
      .selectFrom('credit_payments')
      .select('credited')
      .where('id', '=', facts.paymentId)
      .executeTakeFirst();
    return {
      duplicate: true,
      paymentId: facts.paymentId,
      delta: 0,
      credited: row?.credited ?? 0,
      balance: null,
    };
  }
}
