import type { HubDatabase } from '@smart-ai-hub/adapters';
import { Gauge, type Registry } from 'prom-client';
import { UNITS_PER_CREDIT } from '../domains/credits/money.js';
import { CounterCells } from './counter-cells.js';
import { HistogramCells } from './histogram-cells.js';

/** How long a scrape reuses the open-holds query's answer (every gauge of one scrape shares it). */
const SNAPSHOT_MS = 1_000;

/**
 * Ledger health: the group commits of the money's hot path (duration, units per commit, groups
 * that ran again unit by unit, failed commits), observed through `HubDatabase`; and the open
 * holds, read at scrape time with one query on the open-holds index (count, credits held, and
 * those past their expiry that the sweeper has not released yet).
 */
export function registerLedgerMetrics(registry: Registry, database: HubDatabase): void {
  const duration = new HistogramCells(
    registry,
    'hub_ledger_commit_duration_seconds',
    'Group commits of ledger units: from waiting for the connection to the end of the commit',
    [],
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  const size = new HistogramCells(
    registry,
    'hub_ledger_commit_group_size',
    'Units (holds, settles, releases) that shared one commit (always 1 on PostgreSQL)',
    [],
    [1, 2, 4, 8, 16, 32, 64, 128, 256],
  );
  const commits = new CounterCells(
    registry,
    'hub_ledger_commits_total',
    'Group commits by result: ok, rerun (a unit failed, the group ran again with a savepoint per unit), failed (nothing applied)',
    ['result'],
  );
  const ok = commits.cell('ok');
  const rerun = commits.cell('rerun');
  const failed = commits.cell('failed');
  database.observeGroupCommits((stats) => {
    duration.observe(stats.seconds);
    size.observe(stats.units);
    (stats.failed ? failed : stats.rerun ? rerun : ok).value += 1;
  });

  let snapshot: { at: number; value: Promise<OpenHolds> } | undefined;
  const openHolds = () => {
    if (!snapshot || Date.now() - snapshot.at > SNAPSHOT_MS) {
      // A failed query (the database away) reads as NaN: the rest of /metrics still answers.
      const unknown = { count: Number.NaN, units: Number.NaN, overdue: Number.NaN };
      snapshot = { at: Date.now(), value: readOpenHolds(database).catch(() => unknown) };
    }
    return snapshot.value;
  };
  new Gauge({
    name: 'hub_credit_holds_open',
    help: 'Credit holds open now (requests in flight, or holds of a stopped process awaiting the sweeper)',
    registers: [registry],
    async collect() {
      this.set((await openHolds()).count);
    },
  });
  new Gauge({
    name: 'hub_credit_held_credits',
    help: 'Credits reserved by the open holds',
    registers: [registry],
    async collect() {
      this.set((await openHolds()).units / UNITS_PER_CREDIT);
    },
  });
  new Gauge({
    name: 'hub_credit_holds_overdue',
    help: 'Open holds past their expiry: the sweeper has not released them yet (stays near 0 when it keeps up)',
    registers: [registry],
    async collect() {
      this.set((await openHolds()).overdue);
    },
  });
}

interface OpenHolds {
  count: number;
  units: number;
  overdue: number;
}

async function readOpenHolds(database: HubDatabase): Promise<OpenHolds> {
  const now = Date.now();
  const row = await database.db
    .selectFrom('credit_holds')
    .where('status', '=', 'open')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.coalesce(eb.fn.sum<number | string>('amount'), eb.lit(0)).as('units'),
      eb.fn
        .sum<number | string | null>(eb.case().when('expires_at', '<', now).then(1).else(0).end())
        .as('overdue'),
    ])
    .executeTakeFirst();
  return {
    count: Number(row?.count ?? 0),
    units: Number(row?.units ?? 0),
    overdue: Number(row?.overdue ?? 0),
  };
}
