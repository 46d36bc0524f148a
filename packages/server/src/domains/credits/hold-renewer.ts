import type { Database } from '@smart-ai-hub/adapters';
import { type Kysely, sql } from 'kysely';

/** Holds renewed per statement (well under SQLite's and PostgreSQL's parameter limits). */
const BATCH = 500;

/**
 * Keeps the holds of this process's live requests from expiring: each tick pushes every tracked
 * hold's expiry to `now + ttl` in one guarded statement (`... where id in (...) and status =
 * 'open'`) per {@link BATCH} holds, instead of a timer or a statement per request. Tracking costs
 * a request a set insert and a delete. A process that dies stops renewing, so its holds expire
 * and the sweeper releases them as before.
 */
export class HoldRenewer {
  private readonly live = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    /** What each tick extends a hold to, from now (ms). */
    readonly ttlMs: number,
  ) {}

  /** Renews `holdId` on every tick until {@link untrack}. */
  track(holdId: string): void {
    this.live.add(holdId);
  }

  untrack(holdId: string): void {
    this.live.delete(holdId);
  }

  /** True while `holdId` is tracked: its request is still running in this process. */
  has(holdId: string): boolean {
    return this.live.has(holdId);
  }

  get size(): number {
    return this.live.size;
  }

  /** Pushes every tracked open hold's expiry to `now + ttl`; resolves with how many it renewed. */
  async renew(now = Date.now()): Promise<number> {
    const ids = [...this.live];
    let renewed = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const result = await this.db
        .updateTable('credit_holds')
        .set({ expires_at: now + this.ttlMs })
        .where('id', 'in', ids.slice(i, i + BATCH))
        // A literal, like the sweeper's: the partial index of open holds is kept in step.
        .where('status', '=', sql.lit('open'))
        .executeTakeFirst();
      renewed += Number(result.numUpdatedRows);
    }
    return renewed;
  }
}
