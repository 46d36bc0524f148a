import type { HubDomain } from '../../hub/hub-domain.js';
import { type AuditLog, createAuditLog } from './audit-log.js';
import { startAuditRetention } from './audit-retention.js';
import { auditRoutes } from './audit-routes.js';

declare module '../../hub/hub-context.js' {
  interface HubServices {
    /** The append-only audit log: record (in the action's transaction), list, verify, prune. */
    audit: AuditLog;
  }
}

/**
 * The audit log: a hash-chained, append-only record of every security and money action, written
 * by the domains in the action's own transaction (`recordAudit`), read by admins and, about their
 * own account, by each user; pruned after `HUB_AUDIT_RETENTION_DAYS`.
 */
export const auditDomain: HubDomain = {
  name: 'audit',
  setup(hub) {
    hub.services.audit = createAuditLog(hub.db);
  },
  routes: (app, hub) => auditRoutes(app, hub),
  start(hub) {
    const retentionDays = hub.config.env.HUB_AUDIT_RETENTION_DAYS;
    if (retentionDays === 0) return;
    hub.onClose(startAuditRetention(hub.services.audit, { retentionDays, log: hub.log }));
  },
};
