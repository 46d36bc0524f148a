import type { Database } from '@smart-ai-hub/adapters';
import type { UsageReport } from '@smart-ai-hub/sdk';
import { type Kysely, sql } from 'kysely';
import { HubError } from '../../../http/hub-error.js';
import { unitsToCredits } from '../../credits/money.js';

const DAY = 86_400_000;

/**
 * Usage between `from` and `to` (epoch ms), by UTC day and model: requests, tokens and credits.
 * For one user, or every user when `userId` is undefined; of one key or end user when given.
 */
export async function usageReport(
  db: Kysely<Database>,
  query: { userId?: string; apiKeyId?: string; endUser?: string; from: number; to: number },
): Promise<UsageReport> {
  let select = db
    .selectFrom('usage_logs')
    .select([
      sql<number>`created_at / ${sql.lit(DAY)}`.as('day'),
      'model',
      (eb) => eb.fn.countAll<number>().as('requests'),
      (eb) => eb.fn.sum<number>('input_tokens').as('input_tokens'),
      (eb) => eb.fn.sum<number>('output_tokens').as('output_tokens'),
      (eb) => eb.fn.sum<number>('cost').as('cost'),
    ])
    .where('created_at', '>=', query.from)
    .where('created_at', '<', query.to);
  if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
  if (query.apiKeyId !== undefined) select = select.where('api_key_id', '=', query.apiKeyId);
  if (query.endUser !== undefined) select = select.where('end_user', '=', query.endUser);
  const rows = await select
    .groupBy([sql`created_at / ${sql.lit(DAY)}`, 'model'])
    .orderBy('day')
    .orderBy('model')
    .execute();
  const totals = { requests: 0, inputTokens: 0, outputTokens: 0, cost: 0 };
  let costUnits = 0;
  const data = rows.map((row) => {
    const bucket = {
      day: new Date(Math.floor(Number(row.day)) * DAY).toISOString().slice(0, 10),
      model: row.model,
      requests: Number(row.requests),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cost: unitsToCredits(exactSum(row.cost)),
    };
    totals.requests += bucket.requests;
    totals.inputTokens += bucket.inputTokens;
    totals.outputTokens += bucket.outputTokens;
    costUnits += exactSum(row.cost);
    return bucket;
  });
  totals.cost = unitsToCredits(exactSum(costUnits));
  return { from: query.from, to: query.to, data, totals };
}

/** A sum of units, refused (not rounded) once it passes what a JSON number carries exactly. */
function exactSum(value: number | string | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new HubError(
      422,
      'amount_out_of_range',
      'This report sums more credits than a JSON number carries exactly: ask for a shorter period or one user',
    );
  }
  return n;
}
