import type { FastifyBaseLogger } from 'fastify';

/** A loop started by {@link startPolling}. */
export interface PollingLoop {
  /** Runs the step again now instead of at the next tick. */
  wake(): void;
  /** Ends the loop after the step in hand. */
  stop(): Promise<void>;
}

/**
 * Runs `step` every `everyMs` until stopped, and again at once while it reports more work. A
 * throwing step is logged and retried at the next tick.
 */
export function startPolling(
  step: () => Promise<boolean>,
  options: { everyMs: number; log: FastifyBaseLogger; what: string },
): PollingLoop {
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;
  const loop = (async () => {
    while (!stopped) {
      woken = false;
      let more = false;
      try {
        more = await step();
      } catch (error) {
        options.log.error({ err: error }, `${options.what} failed; retrying`);
      }
      if (stopped) return;
      if (more || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.everyMs);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();
  return {
    wake() {
      woken = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
