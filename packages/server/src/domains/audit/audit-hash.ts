import { createHash } from 'node:crypto';
import type { AuditLogTable } from '@smart-ai-hub/adapters';

/**
 * The hash of one audit record: SHA-256 over its fields (in a fixed order, as stored) and the
 * previous record's hash. Changing any field of any record, or removing one, breaks every link
 * after it; `audit verify` recomputes the chain.
 */
export function auditRecordHash(row: Omit<AuditLogTable, 'hash'>): string {
  const fields = [
    row.seq,
    row.id,
    row.at,
    row.actor_kind,
    row.actor_id,
    row.actor_key_id,
    row.action,
    row.target_type,
    row.target_id,
    row.user_id,
    row.ip,
    row.user_agent,
    row.request_id,
    row.changes,
    row.details,
    row.prev_hash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
