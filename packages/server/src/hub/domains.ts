import { auditDomain } from '../domains/audit/audit-domain.js';
import { authDomain } from '../domains/auth/auth-domain.js';
import { creditsDomain } from '../domains/credits/credits-domain.js';
import { modelsDomain } from '../domains/models/models-domain.js';
import { notificationsDomain } from '../domains/notifications/notifications-domain.js';
import { webhooksDomain } from '../domains/webhooks/webhooks-domain.js';
import type { HubDomain } from './hub-domain.js';

/**
 * The hub's domains, in setup order (a domain may use the services of those before it).
 * Adding a domain is one line here.
 */
export const domains: HubDomain[] = [
  auditDomain,
  authDomain,
  creditsDomain,
  notificationsDomain,
  modelsDomain,
  webhooksDomain,
];
