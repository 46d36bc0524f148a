import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { DatabaseNewerThanCodeError, type MigrationReport } from './database.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Database } from './schema.js';

const MIGRATION_TABLE = 'hub_migrations';
const MIGRATION_LOCK_TABLE = 'hub_migrations_lock';

/**
 * Runs every pending migration, under Kysely's migration lock (so replicas starting together
 * migrate once). Refuses, before touching anything, a database that holds migrations this code
 * does not know.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  migrations: Record<string, Migration> = allMigrations,
): Promise<MigrationReport> {
  await refuseNewerDatabase(db, Object.keys(migrations));
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const names = Object.keys(migrations).sort();
  return { applied, current: names.at(-1) ?? null };
}

async function refuseNewerDatabase(db: Kysely<Database>, known: string[]): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return;
  const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  const knownSet = new Set(known);
  const unknown = rows.rows.map((r) => r.name).filter((name) => !knownSet.has(name));
  if (unknown.length > 0) throw new DatabaseNewerThanCodeError(unknown.sort());
}
