import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { credits } from './0002-credits.js';
import { notifications } from './0003-notifications.js';
import { leanLedgerIndexes } from './0004-lean-ledger-indexes.js';
import { microCredits } from './0005-micro-credits.js';
import { apiKeyScopes } from './0006-api-key-scopes.js';
import { checkoutSessions } from './0007-checkout-sessions.js';
import { holdOverage } from './0008-hold-overage.js';
import { responses } from './0009-responses.js';
import { auditLog } from './0010-audit-log.js';
import { outboundWebhooks } from './0011-outbound-webhooks.js';

/**
 * Every migration, in order. Names sort in the order they run; a new migration gets the next
 * number. The same set runs on SQLite and PostgreSQL.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-credits': credits,
  '0003-notifications': notifications,
  '0004-lean-ledger-indexes': leanLedgerIndexes,
  '0005-micro-credits': microCredits,
  '0006-api-key-scopes': apiKeyScopes,
  '0007-checkout-sessions': checkoutSessions,
  '0008-hold-overage': holdOverage,
  '0009-responses': responses,
  '0010-audit-log': auditLog,
  '0011-outbound-webhooks': outboundWebhooks,
};
