import type { Database } from '@smart-ai-hub/adapters';
import type {
  NotificationPreferences,
  NotificationPreferencesUpdate,
  NotificationType,
} from '@smart-ai-hub/sdk';
import type { Kysely } from 'kysely';
import { z } from 'zod';

/** Every notification type the hub makes (the wire's `NotificationType`, as a runtime list). */
export const NOTIFICATION_TYPES = [
  'credits.low',
  'payment.succeeded',
  'payment.refunded',
] as const satisfies readonly NotificationType[];

/** Defaults: in-app on for every type; email on for money facts (payments, low balance). */
export const DEFAULT_PREFERENCES: NotificationPreferences = {
  'credits.low': { inApp: true, email: true },
  'payment.succeeded': { inApp: true, email: true },
  'payment.refunded': { inApp: true, email: true },
};

const channelsUpdate = z.object({ inApp: z.boolean().optional(), email: z.boolean().optional() }).strict();

/** `PUT /api/v1/notifications/preferences`: any subset of types and channels. */
export const preferencesUpdateSchema = z
  .object(Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, channelsUpdate.optional()])))
  .strict() as unknown as z.ZodType<NotificationPreferencesUpdate>;

/** Applies `update` over `current` (what it leaves out keeps its value). */
export function mergePreferences(
  current: NotificationPreferences,
  update: NotificationPreferencesUpdate,
): NotificationPreferences {
  const merged = { ...current };
  for (const type of NOTIFICATION_TYPES) merged[type] = { ...current[type], ...update[type] };
  return merged;
}

/** A user's preferences as stored (JSON, possibly from an older set of types), over the defaults. */
export async function loadPreferences(
  db: Kysely<Database>,
  userId: string,
): Promise<NotificationPreferences> {
  const row = await db
    .selectFrom('notification_preferences')
    .select('preferences')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return DEFAULT_PREFERENCES;
  const stored = JSON.parse(row.preferences) as NotificationPreferencesUpdate;
  return mergePreferences(DEFAULT_PREFERENCES, stored);
}

/** Merges `update` into the user's preferences (upsert) and answers the result. */
export async function updatePreferences(
  db: Kysely<Database>,
  userId: string,
  update: NotificationPreferencesUpdate,
): Promise<NotificationPreferences> {
  return db.transaction().execute(async (trx) => {
    const next = mergePreferences(await loadPreferences(trx, userId), update);
    const values = { preferences: JSON.stringify(next), updated_at: Date.now() };
    await trx
      .insertInto('notification_preferences')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
    return next;
  });
}
