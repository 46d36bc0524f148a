import type { CheckoutSessionsTable, Database } from '@smart-ai-hub/adapters';
import type { Kysely, Selectable } from 'kysely';

/** A checkout session as the hub stored it when it created it. */
export type StoredCheckoutSession = Selectable<CheckoutSessionsTable>;

/** What the hub sold in one checkout session: the only terms a payment event may be credited on. */
export interface CheckoutTerms {
  /** The provider's session id. */
  id: string;
  provider: string;
  userId: string;
  packageId: string;
  /** Credit units bought. */
  credits: number;
  /** Minor currency units the package costs. */
  price: number;
  currency: string;
}

/**
 * Stores a session the hub just created. A retried checkout (same idempotency key) gets the same
 * session back from the provider: the first row stays.
 */
export async function recordCheckoutSession(db: Kysely<Database>, terms: CheckoutTerms): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('checkout_sessions')
    .values({
      id: terms.id,
      provider: terms.provider,
      user_id: terms.userId,
      package_id: terms.packageId,
      credits: terms.credits,
      price: terms.price,
      currency: terms.currency.toLowerCase(),
      status: 'open',
      payment_id: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** The session the hub created with this id at this provider, if it did. */
export function findCheckoutSession(
  db: Kysely<Database>,
  provider: string,
  id: string,
): Promise<StoredCheckoutSession | undefined> {
  return db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('provider', '=', provider)
    .executeTakeFirst();
}
