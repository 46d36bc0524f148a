import {
  type Coordination,
  createMemoryCoordination,
  type DatabaseDialect,
  newId,
  type StreamEvent,
} from '@smart-ai-hub/adapters';
import { createTestDatabase, type TestDatabase } from '@smart-ai-hub/adapters/testing';
import pino from 'pino';
import { HUB_EVENT_STREAM } from './credit-events.js';
import { CreditsService } from './credits-service.js';

/** A credits service on a fresh real database, for the service-level suites. */
export interface CreditsKit {
  database: TestDatabase;
  coordination: Coordination;
  credits: CreditsService;
  /** Inserts a user row (the accounts domain's job in the hub) and resolves its id. */
  createUser(): Promise<string>;
  /** Every event appended so far (read through a throwaway consumer group). */
  readEvents(): Promise<StreamEvent[]>;
  close(): Promise<void>;
}

export async function createCreditsKit(
  dialect: DatabaseDialect,
  options: { lowThreshold?: number; holdTtlMs?: number } = {},
): Promise<CreditsKit> {
  const database = await createTestDatabase(dialect);
  const coordination = createMemoryCoordination();
  const credits = new CreditsService({
    database,
    coordination,
    log: pino({ level: 'silent' }),
    holdTtlMs: options.holdTtlMs ?? 60_000,
    lowThreshold: options.lowThreshold ?? 0,
  });
  return {
    database,
    coordination,
    credits,
    async createUser() {
      const id = newId('usr');
      const now = Date.now();
      await database.db
        .insertInto('users')
        .values({ id, email: `${id}@example.com`, role: 'user', created_at: now, updated_at: now })
        .execute();
      return id;
    },
    async readEvents() {
      const group = newId('grp');
      await coordination.events.ensureGroup(HUB_EVENT_STREAM, group);
      return coordination.events.read(HUB_EVENT_STREAM, group, 'test', { count: 100_000 });
    },
    async close() {
      await coordination.close();
      // pg's pool.end() resolves before its sockets are closed, and drop() force-terminates
      // whatever is still connected: close first and let the sockets go, then drop.
      await database.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await database.drop();
    },
  };
}
