import { z } from 'zod';
import type { HubContext } from '../../hub/hub-context.js';
import { creditsToUnits, isCreditAmount, MAX_CREDITS } from './money.js';

/** `signupCredits` in `HUB_CONFIG`: credits every new account gets, so people can try the hub. */
export const signupCreditsSchema = z
  .number()
  .positive()
  .max(MAX_CREDITS)
  .refine(isCreditAmount, { message: 'credits have at most 6 decimals' });

/**
 * Grants the configured sign-up credits to a new user, once per user (the grant's idempotency
 * key is the user's id). Nothing when `signupCredits` is not set.
 */
export async function grantSignupCredits(hub: HubContext, userId: string): Promise<void> {
  const credits = hub.config.file.signupCredits;
  if (credits === undefined) return;
  await hub.services.credits.grant({
    userId,
    amount: creditsToUnits(credits),
    idempotencyKey: `signup:${userId}`,
    description: 'Sign-up credits',
  });
}
