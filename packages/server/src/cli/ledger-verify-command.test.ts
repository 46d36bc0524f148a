import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createMemoryCoordination, newId } from '@smart-ai-hub/adapters';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '../domains/credits/credits-service.js';
import { ledgerVerifyCommandFor } from './ledger-verify-command.js';

describe('smart-ai-hub ledger verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-verify-'));
  const file = join(dir, 'hub.db');
  const env = { DATABASE_URL: file, HUB_DATA_DIR: dir, LOG_LEVEL: 'silent' };
  let userId: string;

  beforeAll(async () => {
    const database = await createDatabase(file);
    await database.migrate();
    const coordination = createMemoryCoordination();
    const credits = new CreditsService({
      database,
      coordination,
      log: pino({ level: 'silent' }),
      holdTtlMs: 60_000,
      lowThreshold: 0,
    });
    userId = newId('usr');
    await database.db
      .insertInto('users')
      .values({ id: userId, email: `${userId}@example.com`, role: 'user', created_at: 1, updated_at: 1 })
      .execute();
    await credits.grant({ userId, amount: 50_000, idempotencyKey: 'seed' });
    const hold = await credits.hold({ userId, amount: 20_000 });
    await credits.settle(hold.id, 12_345);
    await credits.hold({ userId, amount: 1_000 });
    await coordination.close();
    await database.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[] = []) {
    const out: string[] = [];
    const code = await ledgerVerifyCommandFor(env, (text) => out.push(text)).run(args);
    return { code, text: out.join('\n') };
  }

  it('exits 0 and says OK when every projection matches the ledger', async () => {
    const { code, text } = await run();
    expect(code).toBe(0);
    expect(text).toMatch(/Checked 1 user account\(s\) and 2 transaction\(s\)/);
    expect(text).toMatch(/Ledger OK/);
  });

  it('exits 1 naming the account and field when a projection was changed behind the ledger', async () => {
    const database = await createDatabase(file);
    await database.db
      .updateTable('credit_accounts')
      .set((eb) => ({ held: eb('held', '+', 7) }))
      .where('code', '=', `user:${userId}`)
      .execute();
    await database.close();
    const { code, text } = await run();
    expect(code).toBe(1);
    expect(text).toContain(`MISMATCH user:${userId}`);
    expect(text).toMatch(/held: stored 1007, ledger says 1000/);
    const json = await run(['--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.text)).toMatchObject({
      ok: false,
      mismatches: [{ field: 'held', projected: 1007, recomputed: 1000 }],
    });
  });
});
