import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import type { UserUsageSummary } from '../models/usage/usage-by-user.js';
import { cursorPosition, moveCursor } from './webhook-cursors.js';
import type { WebhookEndpoints } from './webhook-endpoints.js';
import { subscribes } from './webhook-events.js';
import type { WebhookFanout } from './webhook-fanout.js';

const DAY_MS = 86_400_000;
/** A day is summarized this long after it ended (usage rows are written in batches). */
const SETTLE_MS = 5 * 60_000;
const CURSOR = 'usage.daily';

/**
 * One step of the daily usage summary: for each whole UTC day not summarized yet (the first day
 * is the one the hub first ran this on), a `usage.daily` event per user who used anything,
 * `{ userId, day, requests, inputTokens, outputTokens, cost, byModel }`. Message ids name the
 * day and user, and the day's cursor moves only after its events were fanned out: a replica that
 * stopped midway, or two replicas at once, still deliver each summary once. Answers true when a
 * day was done (another may be due).
 */
export async function summarizeUsageDay(deps: {
  db: Kysely<Database>;
  endpoints: WebhookEndpoints;
  fanout: WebhookFanout;
  usageByUser: (from: number, to: number) => Promise<UserUsageSummary[]>;
  now: number;
}): Promise<boolean> {
  const { db, now } = deps;
  const current = Math.floor(now / DAY_MS);
  const done = await cursorPosition(db, CURSOR, current - 1);
  const day = done + 1;
  if ((day + 1) * DAY_MS + SETTLE_MS > now) return false;
  const endpoints = await deps.endpoints.enabled();
  if (endpoints.some((e) => subscribes(e.events, 'usage.daily'))) {
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const summaries = await deps.usageByUser(day * DAY_MS, (day + 1) * DAY_MS);
    await deps.fanout.enqueue(
      summaries.map((summary) => ({
        messageId: `msg_usage_${date}_${summary.userId}`,
        type: 'usage.daily',
        at: (day + 1) * DAY_MS,
        data: { day: date, ...summary },
      })),
    );
  }
  await moveCursor(db, CURSOR, done, day);
  return true;
}
