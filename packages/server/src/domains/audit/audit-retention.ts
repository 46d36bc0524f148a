import type { FastifyBaseLogger } from 'fastify';
import type { AuditLog } from './audit-log.js';

const DAY_MS = 86_400_000;

/**
 * Prunes audit records older than the retention every `everyMs` (first run at once). Several
 * replicas may run it: pruning is idempotent. Returns the function that stops it.
 */
export function startAuditRetention(
  audit: AuditLog,
  options: { retentionDays: number; everyMs?: number; log: FastifyBaseLogger },
): () => Promise<void> {
  const { retentionDays, everyMs = 3_600_000, log } = options;
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = audit
      .prune(Date.now() - retentionDays * DAY_MS)
      .then((pruned) => {
        if (pruned > 0) log.info({ pruned, retentionDays }, 'audit records past their retention pruned');
      })
      .catch((error) => log.error({ err: error }, 'pruning the audit log failed; will retry'));
  };
  sweep();
  const timer = setInterval(sweep, everyMs).unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
