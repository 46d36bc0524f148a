import type { HubDomain } from '../../hub/hub-domain.js';
import { CreditsService } from './credits-service.js';
import { creditsToUnits } from './money.js';
import { creditsRoutes } from './routes/credits-routes.js';

declare module '../../hub/hub-context.js' {
  interface HubServices {
    credits: CreditsService;
  }
}

/** Credits: the ledger, holds for metered work, grants, Stripe top-ups. */
export const creditsDomain: HubDomain = {
  name: 'credits',
  setup(hub) {
    const { env } = hub.config;
    hub.services.credits = new CreditsService({
      database: hub.database,
      coordination: hub.coordination,
      log: hub.log,
      holdTtlMs: env.HOLD_TTL * 1000,
      lowThreshold: creditsToUnits(env.CREDITS_LOW_THRESHOLD),
    });
  },
  routes: creditsRoutes,
  start(hub) {
    const credits = hub.services.credits;
    let running = false;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        const expired = await credits.sweepExpiredHolds();
        if (expired > 0) hub.log.info({ expired }, 'released expired credit holds');
      } catch (error) {
        hub.log.error({ err: error }, 'credit hold sweep failed');
      } finally {
        running = false;
      }
    }, hub.config.env.HOLD_SWEEP_INTERVAL * 1000);
    timer.unref();
    hub.onClose(() => clearInterval(timer));
  },
};
