import type { Redis } from 'ioredis';
import { CLAIM_STALE_LUA } from './claim-stale-script.js';
import { RATE_LIMIT_LUA } from './rate-limit-script.js';

/** The scripts the adapter runs, as ioredis commands (EVALSHA, loading the script on NOSCRIPT). */
export interface HubCommands {
  /** `numKeys`, the keys, then windowMs, cost, limit per key (see `rate-limit-script.ts`). */
  smartHubRateLimits(numKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]>;
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
  // No `numberOfKeys`: the caller passes how many keys come first.
  client.defineCommand('smartHubRateLimits', { lua: RATE_LIMIT_LUA });
  client.defineCommand('smartHubClaimStale', { numberOfKeys: 1, lua: CLAIM_STALE_LUA });
  return client as HubRedis;
}
