/**
 * Hold+settle pairs per second through the credits service, on the real storage configurations:
 * SQLite as a file in a temporary folder (WAL, synchronous NORMAL, as the appliance runs it) and
 * PostgreSQL (a database of its own, dropped after). Sequential, then 32 concurrent workers (a
 * user each, then all on one user's account), each pair = `hold` (hold row + guarded update) then
 * `settle` (guarded transition + postings).
 *
 *   pnpm exec tsx --conditions=source bench/credits-bench.ts [pairs=2000]
 *
 * Prints a table; asserts nothing (correctness lives in the test suites), but checks the ledger
 * after each run so that a fast wrong answer cannot pass unnoticed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createMemoryCoordination, type HubDatabase, newId } from '@smart-ai-hub/adapters';
import { createTestDatabase, postgresAvailable } from '@smart-ai-hub/adapters/testing';
import pino from 'pino';
import { CreditsService } from '../src/domains/credits/credits-service.js';

const PAIRS = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 32;

interface Row {
  storage: string;
  mode: string;
  pairs: number;
  seconds: number;
  pairsPerSecond: number;
  ledger: string;
}

async function measure(database: HubDatabase, label: string): Promise<Row[]> {
  const coordination = createMemoryCoordination();
  const credits = new CreditsService({
    database,
    coordination,
    log: pino({ level: 'silent' }),
    holdTtlMs: 600_000,
    lowThreshold: 0,
  });
  // One user per worker: workers contend on the database, not on one account row.
  const users: string[] = [];
  for (let i = 0; i < CONCURRENCY; i++) {
    const id = newId('usr');
    await database.db
      .insertInto('users')
      .values({ id, email: `${id}@bench.local`, role: 'user', created_at: 1, updated_at: 1 })
      .execute();
    await credits.grant({ userId: id, amount: 10_000_000_000, idempotencyKey: `bench-${id}` });
    users.push(id);
  }
  const pair = async (userId: string) => {
    const hold = await credits.hold({ userId, amount: 5_000 });
    await credits.settle(hold.id, 1_234);
  };
  const rows: Row[] = [];
  for (const [mode, workers, oneUser] of [
    ['sequential', 1, false],
    [`concurrency ${CONCURRENCY}, a user each`, CONCURRENCY, false],
    // One busy user (every request of one API key): every pair waits on the same account row.
    [`concurrency ${CONCURRENCY}, one user`, CONCURRENCY, true],
  ] as const) {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        while (next < PAIRS) {
          next++;
          await pair(users[oneUser ? 0 : w]!);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const report = await credits.verifyLedger();
    rows.push({
      storage: label,
      mode,
      pairs: PAIRS,
      seconds: Number(seconds.toFixed(2)),
      pairsPerSecond: Math.round(PAIRS / seconds),
      ledger: report.ok ? 'verified' : 'MISMATCH',
    });
  }
  await coordination.close();
  return rows;
}

async function main() {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'credits-bench-'));
  try {
    const sqlite = await createDatabase(join(dir, 'hub.db'));
    await sqlite.migrate();
    rows.push(...(await measure(sqlite, 'SQLite file (WAL, NORMAL)')));
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (await postgresAvailable()) {
    const postgres = await createTestDatabase('postgres');
    try {
      rows.push(...(await measure(postgres, 'PostgreSQL (pool 20)')));
    } finally {
      await postgres.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await postgres.drop();
    }
  } else {
    console.log('PostgreSQL unreachable: skipped');
  }
  console.log(`\nCredits: hold+settle pairs per second (${PAIRS} pairs per run)\n`);
  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
