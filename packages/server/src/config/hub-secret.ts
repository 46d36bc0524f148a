import { randomBytes, hkdfSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type HubConfig } from './load-config.js';

/** The master secret, and the one way to get a key from it. */
export interface HubSecret {
  /** A 32-byte key for one purpose (`jwt`, `encryption`, ...), derived with HKDF-SHA256. */
  deriveKey(purpose: string): Buffer;
}

/**
 * `HUB_SECRET`, or on a single node a secret generated once and kept in the data folder
 * (`hub-secret`, mode 0600). With PostgreSQL (several replicas) `HUB_SECRET` is required: each
 * replica generating its own would make tokens signed by one invalid on the next.
 */
export function resolveHubSecret(config: HubConfig): HubSecret {
  const { env } = config;
  let master = env.HUB_SECRET;
  if (!master) {
    if (/^postgres(ql)?:/i.test(env.DATABASE_URL)) {
      throw new ConfigError(
        'HUB_SECRET: required with PostgreSQL (replicas must share it); set it to 32+ random characters, e.g. `openssl rand -hex 32`',
      );
    }
    const file = join(env.HUB_DATA_DIR, 'hub-secret');
    if (existsSync(file)) master = readFileSync(file, 'utf8').trim();
    else {
      mkdirSync(env.HUB_DATA_DIR, { recursive: true });
      master = randomBytes(32).toString('hex');
      writeFileSync(file, `${master}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }
  const ikm = Buffer.from(master, 'utf8');
  const cache = new Map<string, Buffer>();
  return {
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
