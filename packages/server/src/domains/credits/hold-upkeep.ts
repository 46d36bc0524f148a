import type { FastifyBaseLogger } from 'fastify';
import type { CreditsService } from './credits-service.js';

/** How often the hold upkeep runs, ms. */
export interface HoldUpkeepTimings {
  /** Between sweeps of expired holds. */
  sweepIntervalMs: number;
  /** Between renewals of this process's live holds (a third of the hold TTL). */
  renewIntervalMs: number;
}

/**
 * The credits domain's background work on holds: the sweeper (releases the holds nobody renews:
 * a crashed process's) and the renewer (keeps this process's live ones from expiring). Returns
 * the function that stops both.
 */
export function startHoldUpkeep(
  credits: CreditsService,
  log: FastifyBaseLogger,
  timings: HoldUpkeepTimings,
): () => void {
  const timers = [
    repeat(timings.sweepIntervalMs, log, 'credit hold sweep failed', async () => {
      const expired = await credits.sweepExpiredHolds();
      if (expired > 0) log.info({ expired }, 'released expired credit holds');
    }),
    repeat(timings.renewIntervalMs, log, 'credit hold renewal failed', () => credits.renewLiveHolds()),
  ];
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}

/** Runs `task` every `ms`, skipping a tick while the previous run is still going. */
function repeat(ms: number, log: FastifyBaseLogger, failure: string, task: () => Promise<unknown>) {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } catch (error) {
      log.error({ err: error }, failure);
    } finally {
      running = false;
    }
  }, ms);
  timer.unref();
  return timer;
}
