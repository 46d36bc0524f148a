import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { webhookEventsOfAuditRecord } from './audit-webhooks.js';
import { cursorPosition, moveCursor } from './webhook-cursors.js';
import type { WebhookFanout } from './webhook-fanout.js';

const CURSOR = 'audit';
const BATCH = 200;

/**
 * One step of following the audit log into deliveries: the records after the cursor, fanned out
 * in the same transaction that moves the cursor past them. The audit log is written in each
 * action's own transaction, so it serves as the outbox of `audit.*`, `user.*` and `api_key.*`
 * events: nothing an action committed is lost, even when the hub stops right after. Answers true
 * when a full batch was taken (more may wait).
 */
export async function followAuditLog(
  db: Kysely<Database>,
  audit: AuditLog,
  fanout: WebhookFanout,
  onEnqueued: () => void,
): Promise<boolean> {
  const from = await cursorPosition(db, CURSOR, 0);
  const records = await audit.after(from, BATCH);
  if (records.length === 0) return false;
  const to = Number(records.at(-1)!.seq);
  const made = await db.transaction().execute(async (trx) => {
    if (!(await moveCursor(trx, CURSOR, from, to))) return 0; // Another replica took these.
    return fanout.enqueue(records.flatMap(webhookEventsOfAuditRecord), trx);
  });
  if (made > 0) onEnqueued();
  return records.length === BATCH;
}
