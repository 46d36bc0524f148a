import type { AuditLogTable, Database } from '@smart-ai-hub/adapters';
import type { AuditEventInfo, AuditEventPage } from '@smart-ai-hub/sdk';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { SECURITY_AREAS } from './audit-entry.js';
import { type AuditChainReport, verifyAuditChain } from './audit-verify.js';
import { recordAudit } from './record-audit.js';

/** Filters of the admin's audit list; every one optional. */
export interface AuditFilter {
  /** The acting user's id. */
  actor?: string;
  /** An action (`user.disabled`) or a whole area (`auth.*`). */
  action?: string;
  /** The target's id, or the id of the account the record concerns. */
  target?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** The `seq` after which (older) to continue. */
  cursor?: number;
  limit: number;
}

/** `hub.services.audit`: append (`record`), read, verify and prune the audit log. */
export interface AuditLog {
  /** See {@link recordAudit}: pass the action's transaction. */
  record: typeof recordAudit;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEventPage>;
  /** The security events (sign-ins, passwords, sessions, keys, role, disable) of one account, newest first. */
  securityEvents(userId: string, page: { cursor?: number; limit: number }): Promise<AuditEventPage>;
  /** Records after `seq`, oldest first (for consumers that follow the log, such as webhooks). */
  after(seq: number, limit: number): Promise<AuditLogTable[]>;
  /** Recomputes the hash chain over every kept record. */
  verify(): Promise<AuditChainReport>;
  /**
   * Deletes the records older than `before` (epoch ms: the oldest part of the chain, by seq) and
   * anchors the chain at the last one deleted, so what is kept still verifies. Returns how many went.
   */
  prune(before: number): Promise<number>;
}

/** Areas (`auth.*`) match every action under them: a range on the action, which its index serves. */
function actionMatches(eb: ExpressionBuilder<Database, 'audit_log'>, action: string) {
  if (!action.endsWith('.*')) return eb('action', '=', action);
  const area = action.slice(0, -1);
  // '/' is the character after '.': the range holds exactly the names starting with `area.`.
  return eb.and([eb('action', '>=', area), eb('action', '<', `${area.slice(0, -1)}/`)]);
}

export function createAuditLog(db: Kysely<Database>): AuditLog {
  async function page(
    where: (eb: ExpressionBuilder<Database, 'audit_log'>) => Expression<SqlBool>,
    cursor: number | undefined,
    limit: number,
  ): Promise<AuditEventPage> {
    let query = db
      .selectFrom('audit_log')
      .selectAll()
      .where(where)
      .orderBy('seq', 'desc')
      .limit(limit + 1);
    if (cursor !== undefined) query = query.where('seq', '<', cursor);
    const rows = await query.execute();
    const data = rows.slice(0, limit).map(toAuditEventInfo);
    return { data, nextCursor: rows.length > limit ? String(data.at(-1)!.seq) : null };
  }

  return {
    record: recordAudit,
    list(filter) {
      return page(
        (eb) =>
          eb.and([
            ...(filter.actor !== undefined ? [eb('actor_id', '=', filter.actor)] : []),
            ...(filter.action !== undefined ? [actionMatches(eb, filter.action)] : []),
            ...(filter.target !== undefined
              ? [eb.or([eb('target_id', '=', filter.target), eb('user_id', '=', filter.target)])]
              : []),
            ...(filter.from !== undefined ? [eb('at', '>=', filter.from)] : []),
            ...(filter.to !== undefined ? [eb('at', '<', filter.to)] : []),
          ]),
        filter.cursor,
        filter.limit,
      );
    },
    securityEvents(userId, { cursor, limit }) {
      return page(
        (eb) =>
          eb.and([
            eb('user_id', '=', userId),
            eb.or(SECURITY_AREAS.map((area) => actionMatches(eb, `${area}.*`))),
          ]),
        cursor,
        limit,
      );
    },
    after: (seq, limit) =>
      db.selectFrom('audit_log').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute(),
    verify: () => verifyAuditChain(db),
    async prune(before) {
      return db.transaction().execute(async (trx) => {
        const last = await trx
          .selectFrom('audit_log')
          .select('seq')
          .where('at', '<', before)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!last) return 0;
        // The head row's lock: no record is appended, and no other pruner moves the anchor, meanwhile.
        const chain = await trx
          .updateTable('audit_chain')
          .set((eb) => ({ pruned_seq: eb.ref('pruned_seq') }))
          .where('id', '=', 1)
          .returning('pruned_seq')
          .executeTakeFirstOrThrow();
        if (chain.pruned_seq >= last.seq) return 0;
        const anchor = await trx
          .selectFrom('audit_log')
          .select(['seq', 'hash'])
          .where('seq', '=', last.seq)
          .executeTakeFirstOrThrow();
        const deleted = await trx.deleteFrom('audit_log').where('seq', '<=', anchor.seq).executeTakeFirst();
        await trx
          .updateTable('audit_chain')
          .set({ pruned_seq: anchor.seq, pruned_hash: anchor.hash })
          .where('id', '=', 1)
          .execute();
        return Number(deleted.numDeletedRows);
      });
    },
  };
}

const parseJson = (text: string | null) => (text === null ? null : JSON.parse(text));

/** A record as the API shows it. */
export function toAuditEventInfo(row: AuditLogTable): AuditEventInfo {
  return {
    id: row.id,
    seq: Number(row.seq),
    at: new Date(Number(row.at)).toISOString(),
    action: row.action,
    actor: {
      kind: row.actor_kind as AuditEventInfo['actor']['kind'],
      id: row.actor_id,
      keyId: row.actor_key_id,
    },
    target: row.target_type === null ? null : { type: row.target_type, id: row.target_id },
    userId: row.user_id,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    changes: parseJson(row.changes),
    details: parseJson(row.details),
  };
}
