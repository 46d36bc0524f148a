import type { Redis } from 'ioredis';
import { CLAIM_STALE_LUA } from './claim-stale-script.js';
import { RATE_LIMIT_LUA } from './rate-limit-script.js';

/** The scripts the adapter runs, as ioredis commands (EVALSHA, loading the script on NOSCRIPT). */
export interface HubCommands {
  smartHubRateLimit(
    key: string,
    windowMs: number,
    cost: number,
    limit: number,
  ): Promise<[number, number, number]>;
  smartHubClaimStale(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<Array<[id: string, fields: string[], deliveries: number]>>;
}

export type HubRedis = Redis & HubCommands;

/** Defines the scripts on `client` (harmless to repeat; names are specific to the hub). */
export function withHubCommands(client: Redis): HubRedis {
  client.defineCommand('smartHubRateLimit', { numberOfKeys: 1, lua: RATE_LIMIT_LUA });
  client.defineCommand('smartHubClaimStale', { numberOfKeys: 1, lua: CLAIM_STALE_LUA });
  return client as HubRedis;
}
