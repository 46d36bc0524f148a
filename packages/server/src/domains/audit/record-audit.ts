import { type AuditLogTable, type Database, newId } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import { currentRequest } from '../../http/request-context.js';
import { AUDIT_ACTION_PATTERN, type AuditActor, type AuditEntry } from './audit-entry.js';
import { auditRecordHash } from './audit-hash.js';
import { redactSecrets } from './redact-secrets.js';

const USER_AGENT_MAX = 512;

/**
 * Appends one audit record. Pass the transaction of the action it records, so that the record
 * commits with the action or not at all; a plain database handle gets a transaction of its own
 * (for actions that write nothing else: a failed sign-in, a minted token).
 *
 * Appending locks the chain's head row until the transaction ends (every record links to the one
 * before): make it the action's last write, so the lock is short and taken after the action's own.
 */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<AuditLogTable> {
  if (!AUDIT_ACTION_PATTERN.test(entry.action)) {
    throw new Error(`Audit action "${entry.action}" is not of the form area.verb_phrase`);
  }
  const request = currentRequest();
  const actor = entry.actor ?? actorOfRequest();
  const fields = {
    id: newId('aud'),
    at: Date.now(),
    actor_kind: actor.kind,
    actor_id: actor.id ?? null,
    actor_key_id: actor.keyId ?? null,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target?.id ?? null,
    user_id: entry.userId ?? null,
    ip: entry.ip !== undefined ? entry.ip : (request?.ip ?? null),
    user_agent:
      (entry.userAgent !== undefined ? entry.userAgent : userAgentOf())?.slice(0, USER_AGENT_MAX) ?? null,
    request_id: entry.requestId !== undefined ? entry.requestId : (request?.id ?? null),
    changes: entry.changes ? JSON.stringify(redactSecrets(entry.changes)) : null,
    details: entry.details ? JSON.stringify(redactSecrets(entry.details)) : null,
  };
  const append = async (trx: Kysely<Database>) => {
    // Takes the head row's lock (PostgreSQL) or rides the single writer (SQLite): seqs are
    // assigned, and committed, in order and without gaps.
    const head = await trx
      .updateTable('audit_chain')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
      .where('id', '=', 1)
      .returning(['last_seq', 'last_hash'])
      .executeTakeFirstOrThrow();
    const unhashed = { seq: Number(head.last_seq), ...fields, prev_hash: head.last_hash };
    const row: AuditLogTable = { ...unhashed, hash: auditRecordHash(unhashed) };
    await trx.insertInto('audit_log').values(row).execute();
    await trx.updateTable('audit_chain').set({ last_hash: row.hash }).where('id', '=', 1).execute();
    return row;
  };
  return db.isTransaction ? append(db) : db.transaction().execute(append);
}

/** The request's principal as an actor; anonymous in a request without one; `system` outside requests. */
function actorOfRequest(): AuditActor {
  const request = currentRequest();
  if (!request) return { kind: 'system' };
  const principal = request.principal;
  if (!principal) return { kind: 'anonymous' };
  return principal.apiKey
    ? { kind: 'api_key', id: principal.userId, keyId: principal.apiKey.id }
    : { kind: 'user', id: principal.userId };
}

function userAgentOf(): string | null {
  const header = currentRequest()?.headers['user-agent'];
  return typeof header === 'string' ? header : null;
}

/** The actor for an action a user does for themselves before any principal exists (a sign-in). */
export const userActor = (userId: string): AuditActor => ({ kind: 'user', id: userId });
