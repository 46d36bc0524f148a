import { isUniqueViolation } from '@smart-ai-hub/adapters';
import { HubError, notFound } from '../../http/hub-error.js';
import type { Balance } from './credits-port.js';
import type { LedgerDeps } from './ledger-deps.js';
import { postUserTransaction, toBalance } from './post-transaction.js';

export interface GrantInput {
  userId: string;
  /** Units, > 0. */
  amount: number;
  /** Required: a replay with the same key moves nothing and answers the first result. */
  idempotencyKey: string;
  description?: string;
  /** Who granted it (an admin's user id), kept on the transaction. */
  grantedBy?: string;
  metadata?: Record<string, unknown>;
}

export interface GrantResult {
  transactionId: string;
  userId: string;
  amount: number;
  /** The user's balance now (after the grant, or current on a replay). */
  balance: Balance;
  /** True when the key had been used already and nothing moved. */
  replayed: boolean;
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Credits a user from `system:grants`, exactly once per idempotency key: the key is unique on the
 * ledger, so a concurrent or later replay fails to insert and answers the first transaction. The
 * same key for another user or amount is refused with 422 `idempotency_key_reused`.
 */
export async function grantCredits(deps: LedgerDeps, input: GrantInput): Promise<GrantResult> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new HubError(400, 'validation_error', 'amount must be a positive integer number of credit units');
  }
  const ledgerKey = `grant:${input.idempotencyKey}`;
  const replay = await findGrant(deps, ledgerKey);
  if (replay) return checkReplay(replay, input);

  let accountId: string;
  try {
    accountId = await deps.accounts.user(input.userId);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound(`User ${input.userId}`);
    throw error;
  }
  const grants = await deps.accounts.system('grants');
  try {
    const { transactionId, balance } = await deps.durableTransaction(async (trx) => {
      const posted = await postUserTransaction(trx, deps.statements, {
        kind: 'grant',
        idempotencyKey: ledgerKey,
        userId: input.userId,
        userAccountId: accountId,
        counterAccountId: grants,
        amount: input.amount,
        description: input.description ?? null,
        metadata: { ...input.metadata, ...(input.grantedBy ? { grantedBy: input.grantedBy } : {}) },
      });
      await deps.auditMoney(trx, {
        kind: 'grant',
        userId: input.userId,
        amount: input.amount,
        transactionId: posted.transactionId,
        idempotencyKey: input.idempotencyKey,
        grantedBy: input.grantedBy,
        description: input.description,
      });
      return posted;
    });
    await deps.events.publish(deps.events.balanceChanged(input.userId, input.amount, balance, 'grant'));
    return { transactionId, userId: input.userId, amount: input.amount, balance, replayed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const first = await findGrant(deps, ledgerKey);
    if (!first) throw error;
    return checkReplay(first, input);
  }
}

interface FoundGrant {
  transactionId: string;
  userId: string;
  amount: number;
  balance: Balance;
}

async function findGrant(deps: LedgerDeps, ledgerKey: string): Promise<FoundGrant | null> {
  const row = await deps.db
    .selectFrom('ledger_transactions as t')
    .innerJoin('ledger_postings as p', 'p.transaction_id', 't.id')
    .innerJoin('credit_accounts as a', 'a.id', 'p.account_id')
    .select(['t.id', 't.user_id', 'p.amount', 'a.balance', 'a.held'])
    .where('t.idempotency_key', '=', ledgerKey)
    .where('a.user_id', 'is not', null)
    .executeTakeFirst();
  if (!row) return null;
  return { transactionId: row.id, userId: row.user_id!, amount: row.amount, balance: toBalance(row) };
}

function checkReplay(first: FoundGrant, input: GrantInput): GrantResult {
  if (first.userId !== input.userId || first.amount !== input.amount) {
    throw new HubError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different grant (another user or amount); use a new key',
    );
  }
  return { ...first, replayed: true };
}
