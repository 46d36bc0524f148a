import { sql } from 'kysely';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { unitsToCredits } from '../../credits/money.js';

/*
 * API key spending caps, on `api_keys.spent`: a request reserves its hold against the cap with a
 * guarded update (so concurrent requests never overshoot it), and settling swaps the reservation
 * for the real charge. Only keys with a cap pay these two statements.
 */

/** Adds `amount` to the key's spend if it stays within `cap`; 403 `spend_cap_reached` otherwise. */
export async function reserveKeySpend(
  hub: HubContext,
  keyId: string,
  amount: number,
  cap: number,
): Promise<void> {
  const result = await hub.db
    .updateTable('api_keys')
    .set({ spent: sql`spent + ${amount}` })
    .where('id', '=', keyId)
    .where(sql<boolean>`spent + ${amount} <= ${cap}`)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    throw new HubError(
      403,
      'spend_cap_reached',
      `This API key reached its spending cap of ${unitsToCredits(cap)} credits (this request may cost up to ${unitsToCredits(amount)})`,
      { spendCap: unitsToCredits(cap) },
    );
  }
}

/** Replaces a reservation by what was really charged. */
export async function settleKeySpend(
  hub: HubContext,
  keyId: string,
  reserved: number,
  charged: number,
): Promise<void> {
  if (reserved === charged) return;
  await hub.db
    .updateTable('api_keys')
    .set({ spent: sql`spent + ${charged - reserved}` })
    .where('id', '=', keyId)
    .execute();
}

/** Gives a reservation back (the hold failed). */
export function releaseKeySpend(hub: HubContext, keyId: string, reserved: number): Promise<void> {
  return settleKeySpend(hub, keyId, reserved, 0);
}
