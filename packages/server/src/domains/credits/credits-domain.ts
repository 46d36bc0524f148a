import type { HubDomain } from '../../hub/hub-domain.js';
import { CreditsService } from './credits-service.js';
import { startHoldUpkeep } from './hold-upkeep.js';
import { creditsToUnits } from './money.js';
import { creditsRoutes } from './routes/credits-routes.js';

declare module '../../hub/hub-context.js' {
  interface HubServices {
    credits: CreditsService;
  }
}

declare module '../../hub/hub-options.js' {
  interface HubOptions {
    /**
     * Hold lifetime and sweep interval in milliseconds, overriding `HOLD_TTL` and
     * `HOLD_SWEEP_INTERVAL` (whole seconds): for tests that need holds to expire within one.
     */
    holdTimings?: { ttlMs?: number; sweepIntervalMs?: number };
  }
}

/** Credits: the ledger, holds for metered work, grants, Stripe top-ups. */
export const creditsDomain: HubDomain = {
  name: 'credits',
  setup(hub, options) {
    const { env } = hub.config;
    const ttlMs = options.holdTimings?.ttlMs ?? env.HOLD_TTL * 1000;
    hub.services.credits = new CreditsService({
      database: hub.database,
      coordination: hub.coordination,
      log: hub.log,
      holdTtlMs: ttlMs,
      sweepIntervalMs: options.holdTimings?.sweepIntervalMs ?? env.HOLD_SWEEP_INTERVAL * 1000,
      lowThreshold: creditsToUnits(env.CREDITS_LOW_THRESHOLD),
    });
  },
  routes: creditsRoutes,
  start(hub) {
    const credits = hub.services.credits;
    hub.onClose(startHoldUpkeep(credits, hub.log, credits.upkeep));
  },
};
