import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import { unitsToCredits } from '../../credits/money.js';

/** One user's usage over a period, in total and by model (cost in credits). */
export interface UserUsageSummary {
  userId: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  byModel: Array<{
    model: string;
    requests: number;
    inputTokens: number;
    outputTokens: number;
    cost: number;
  }>;
}

/** Every user's usage between `from` and `to` (epoch ms, `to` exclusive): users without any are left out. */
export async function usageByUser(
  db: Kysely<Database>,
  from: number,
  to: number,
): Promise<UserUsageSummary[]> {
  const rows = await db
    .selectFrom('usage_logs')
    .select([
      'user_id',
      'model',
      (eb) => eb.fn.countAll<number>().as('requests'),
      (eb) => eb.fn.sum<number>('input_tokens').as('input_tokens'),
      (eb) => eb.fn.sum<number>('output_tokens').as('output_tokens'),
      (eb) => eb.fn.sum<number>('cost').as('cost'),
    ])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy(['user_id', 'model'])
    .orderBy('user_id')
    .orderBy('model')
    .execute();
  const byUser = new Map<string, UserUsageSummary & { costUnits: number }>();
  for (const row of rows) {
    let summary = byUser.get(row.user_id);
    if (!summary) {
      summary = {
        userId: row.user_id,
        requests: 0,
        inputTokens: 0,
        outputTokens: 0,
        cost: 0,
        costUnits: 0,
        byModel: [],
      };
      byUser.set(row.user_id, summary);
    }
    const model = {
      model: row.model,
      requests: Number(row.requests),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cost: unitsToCredits(Number(row.cost)),
    };
    summary.byModel.push(model);
    summary.requests += model.requests;
    summary.inputTokens += model.inputTokens;
    summary.outputTokens += model.outputTokens;
    summary.costUnits += Number(row.cost);
  }
  return [...byUser.values()].map(({ costUnits, ...summary }) => ({
    ...summary,
    cost: unitsToCredits(costUnits),
  }));
}
