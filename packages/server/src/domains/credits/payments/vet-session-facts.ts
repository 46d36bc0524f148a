import type { StoredCheckoutSession } from './checkout-sessions.js';
import type { PaymentFacts } from './payment-facts.js';

/** Why a signed session event credits nothing. */
export type PaymentRefusal = 'unknown_session' | 'underpaid' | 'currency_mismatch';

export type VettedSessionFacts =
  | { refused: 'unknown_session' }
  | {
      refused?: Exclude<PaymentRefusal, 'unknown_session'>;
      facts: PaymentFacts;
      status: StoredCheckoutSession['status'];
    };

/**
 * What a session event may be credited on. A signature only proves that the provider sent the
 * event, not that the hub sold anything: any session made on the same account (a payment link,
 * another integration, a hand-made session with copied metadata) is signed too. So the buyer, the
 * package and the credits come from the session the hub stored at checkout, never from the
 * event's metadata; a session the hub never created credits nothing; and a session paid less than
 * the stored price, or in another currency, is never counted as paid.
 */
export function vetSessionFacts(
  stored: StoredCheckoutSession | undefined,
  facts: PaymentFacts,
): VettedSessionFacts {
  if (!stored) return { refused: 'unknown_session' };
  const trusted: PaymentFacts = {
    ...facts,
    userId: stored.user_id,
    packageId: stored.package_id,
    credits: stored.credits,
  };
  const paidFor = (refused: 'underpaid' | 'currency_mismatch') => ({
    refused,
    facts: { ...trusted, paid: false },
    status: 'underpaid' as const,
  });
  if (facts.currency?.toLowerCase() !== stored.currency) return paidFor('currency_mismatch');
  if (!Number.isSafeInteger(facts.amountTotal) || facts.amountTotal! < stored.price)
    return paidFor('underpaid');
  return {
    facts: trusted,
    status: stored.status === 'paid' || facts.paid ? 'paid' : facts.failed ? 'failed' : stored.status,
  };
}
