import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/** One small write unit: database work only (it runs inside a transaction other units share). */
export type CommitUnit<T> = (trx: Transaction<Database>) => Promise<T>;

interface Queued {
  fn: CommitUnit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const savepoint = CompiledQuery.raw('savepoint hub_unit');
const releaseSavepoint = CompiledQuery.raw('release savepoint hub_unit');
const rollbackToSavepoint = CompiledQuery.raw('rollback to savepoint hub_unit');

/**
 * Group commit for a single-writer database (SQLite). Units queued in the same event-loop turn
 * run one after another in ONE transaction, each inside its own savepoint, and share its commit.
 * SQLite serializes writers anyway; what a commit costs (WAL frames for every page touched, the
 * lock) is then paid once per turn instead of once per unit. Measured on the gateway's hot path
 * (a hold, then a settle, per request), commits were the largest single cost of a request.
 *
 * Each unit succeeds or fails on its own: a unit that throws is rolled back to its savepoint and
 * its caller gets the error; the others go on. A unit's promise settles only after the shared
 * commit, so a resolved unit is committed; if the commit itself fails, every unit of the group
 * is rejected with that error (none of them is applied). A unit must only do database work on
 * `trx`: anything slow inside it would hold up the whole group.
 */
export function createGroupCommit(db: Kysely<Database>, options: { maxUnits?: number } = {}) {
  const maxUnits = options.maxUnits ?? 256;
  const queue: Queued[] = [];
  let scheduled = false;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // After this turn's I/O callbacks (and their microtasks) have queued their units.
    setImmediate(() => {
      scheduled = false;
      void flush(queue.splice(0, maxUnits));
      if (queue.length > 0) schedule();
    });
  };

  async function flush(units: Queued[]): Promise<void> {
    if (units.length === 1) {
      const [unit] = units as [Queued];
      db.transaction().execute(unit.fn).then(unit.resolve, unit.reject);
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const unit of units) {
          await trx.executeQuery(savepoint);
          try {
            const value = await unit.fn(trx);
            await trx.executeQuery(releaseSavepoint);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await trx.executeQuery(rollbackToSavepoint);
            await trx.executeQuery(releaseSavepoint);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The shared transaction failed (its commit, or a savepoint statement): nothing was applied.
      for (const unit of units) unit.reject(error);
      return;
    }
    units.forEach((unit, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }

  return function groupCommit<T>(fn: CommitUnit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });
  };
}
