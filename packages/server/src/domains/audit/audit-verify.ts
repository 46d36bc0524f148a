import type { Database } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import { auditRecordHash } from './audit-hash.js';

/** One break in the audit chain. */
export interface AuditChainProblem {
  /** The record where the chain breaks (or, for `head_mismatch`, the head's seq). */
  seq: number;
  id: string | null;
  /**
   * `hash_mismatch`: the record's fields no longer give its hash (it was edited);
   * `broken_link`: it does not link to the hash of the record before it;
   * `missing_records`: seqs are missing before it (records were deleted);
   * `head_mismatch`: the chain's head names a last record that is not there, or has another hash
   * (records were deleted or rewritten at the end).
   */
  problem: 'hash_mismatch' | 'broken_link' | 'missing_records' | 'head_mismatch';
}

export interface AuditChainReport {
  ok: boolean;
  /** Records checked. */
  records: number;
  /** The first kept record's seq minus one: what retention pruned (0: nothing). */
  prunedThrough: number;
  lastSeq: number;
  /** At most the first 100. */
  problems: AuditChainProblem[];
}

const PAGE = 1_000;
const MAX_PROBLEMS = 100;

/**
 * Walks the whole audit log in seq order and recomputes the chain: from the anchor left by pruning
 * (or the genesis hash), each record must hash to its stored hash and link to the one before, with
 * no seq missing, up to the head the chain row names.
 */
export async function verifyAuditChain(db: Kysely<Database>): Promise<AuditChainReport> {
  const chain = await db.selectFrom('audit_chain').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const problems: AuditChainProblem[] = [];
  const problem = (p: AuditChainProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let expectedSeq = Number(chain.pruned_seq) + 1;
  let previousHash = chain.pruned_hash;
  let records = 0;
  let after = Number(chain.pruned_seq);
  const lastSeq = Number(chain.last_seq);
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      // Records appended after the head was read are the next verification's.
      .where('seq', '<=', lastSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      records++;
      if (seq !== expectedSeq) problem({ seq, id: row.id, problem: 'missing_records' });
      else if (row.prev_hash !== previousHash) problem({ seq, id: row.id, problem: 'broken_link' });
      const { hash, ...fields } = row;
      if (auditRecordHash({ ...fields, seq, at: Number(row.at) }) !== hash) {
        problem({ seq, id: row.id, problem: 'hash_mismatch' });
      }
      expectedSeq = seq + 1;
      previousHash = hash;
      after = seq;
    }
    if (rows.length < PAGE) break;
  }
  if (after !== lastSeq || previousHash !== chain.last_hash) {
    problem({ seq: lastSeq, id: null, problem: 'head_mismatch' });
  }
  return { ok: problems.length === 0, records, prunedThrough: Number(chain.pruned_seq), lastSeq, problems };
}
