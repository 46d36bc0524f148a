import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import type { CreditsPort, ExpiredHold } from '../../credits/credits-port.js';
import { unitsToCredits } from '../../credits/money.js';
import type { KeySpend } from '../gateway/gateway-deps.js';

/*
 * API key spending caps: a request reserves its hold against the cap (through the auth domain's
 * API key service, which owns `api_keys`), and settling swaps the reservation for the real
 * charge. Only keys with a cap pay these two statements. The hold's metadata records the
 * reservation ({@link SPEND_RESERVATION}), so that a hold the sweeper expires (its process
 * crashed) gives the reservation back in the same transaction.
 */

/** The hold metadata field that says how many units the hold reserved against its key's cap. */
export const SPEND_RESERVATION = 'spendCapReserved';

/** Adds `amount` to the key's spend if it stays within `cap`; 403 `spend_cap_reached` otherwise. */
export async function reserveKeySpend(
  keys: KeySpend,
  keyId: string,
  amount: number,
  cap: number,
): Promise<void> {
  if (!(await keys.reserveSpend(keyId, amount, cap))) {
    throw new HubError(
      403,
      'spend_cap_reached',
      `This API key reached its spending cap of ${unitsToCredits(cap)} credits (this request may cost up to ${unitsToCredits(amount)})`,
      { spendCap: unitsToCredits(cap) },
    );
  }
}

/** Replaces a reservation by what was really charged (which may exceed it: an overage). */
export function settleKeySpend(
  keys: KeySpend,
  keyId: string,
  reserved: number,
  charged: number,
): Promise<void> {
  return keys.adjustSpend(keyId, charged - reserved);
}

/** Gives a reservation back (the hold failed). */
export function releaseKeySpend(keys: KeySpend, keyId: string, reserved: number): Promise<void> {
  return settleKeySpend(keys, keyId, reserved, 0);
}

/**
 * Gives a key's reservation back when the sweeper expires its hold, inside the expiring
 * transaction (`CreditsPort.onHoldExpired`): a key is never left locked at its cap by a request
 * that died with its process. Called once, when the models domain is set up.
 */
export function releaseKeySpendOnExpiry(hub: HubContext): void {
  const credits = (hub.services as { credits?: CreditsPort }).credits;
  credits?.onHoldExpired(async (trx, hold: ExpiredHold) => {
    const keyId = hold.metadata?.apiKeyId;
    const reserved = hold.metadata?.[SPEND_RESERVATION];
    if (typeof keyId !== 'string' || typeof reserved !== 'number' || reserved <= 0) return;
    await hub.services.apiKeys.adjustSpend(keyId, -reserved, trx);
  });
}
