import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubDatabase } from '@smart-ai-hub/adapters';
import type { HubConfig } from './load-config.js';

/** The master secret, and the one way to get a key from it. */
export interface HubSecret {
  /** A 32-byte key for one purpose (`jwt`, `encryption`, ...), derived with HKDF-SHA256. */
  deriveKey(purpose: string): Buffer;
  /** Where the master secret came from (logged at start, never the secret itself). */
  source: 'env' | 'file' | 'database';
}

/**
 * The master secret: `HUB_SECRET` when set (recommended in production). Otherwise one is
 * generated on first start and kept where every process of the installation finds it: in the data
 * folder on SQLite (`hub-secret`, mode 0600), in the database on PostgreSQL, so that replicas
 * share it (the first replica's insert wins; the others read it).
 */
export async function resolveHubSecret(config: HubConfig, database?: HubDatabase): Promise<HubSecret> {
  const { env } = config;
  if (env.HUB_SECRET) return deriveFrom(env.HUB_SECRET, 'env');
  if (database?.dialect === 'postgres') {
    await database.db
      .insertInto('hub_settings')
      .values({ key: 'hub_secret', value: randomBytes(32).toString('hex'), created_at: Date.now() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await database.db
      .selectFrom('hub_settings')
      .select('value')
      .where('key', '=', 'hub_secret')
      .executeTakeFirstOrThrow();
    return deriveFrom(row.value, 'database');
  }
  const file = join(env.HUB_DATA_DIR, 'hub-secret');
  let master: string;
  if (existsSync(file)) master = readFileSync(file, 'utf8').trim();
  else {
    mkdirSync(env.HUB_DATA_DIR, { recursive: true, mode: 0o700 });
    master = randomBytes(32).toString('hex');
    writeFileSync(file, `${master}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return deriveFrom(master, 'file');
}

function deriveFrom(master: string, source: HubSecret['source']): HubSecret {
  const ikm = Buffer.from(master, 'utf8');
  const cache = new Map<string, Buffer>();
  return {
    source,
    deriveKey(purpose) {
      let key = cache.get(purpose);
      if (!key) {
        key = Buffer.from(hkdfSync('sha256', ikm, 'smart-ai-hub', purpose, 32));
        cache.set(purpose, key);
      }
      return key;
    },
  };
}
