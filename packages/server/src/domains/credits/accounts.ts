import type { Database } from '@smart-ai-hub/adapters';
import { newId } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';

/** The hub's own ledger accounts: the other side of every user posting. */
export type SystemAccount = 'grants' | 'payments' | 'usage' | 'refunds' | 'disputes';

export const userAccountCode = (userId: string) => `user:${userId}`;
export const systemAccountCode = (name: SystemAccount) => `system:${name}`;

/**
 * Resolves ledger account ids by code, creating accounts on first use. Creation runs on its own
 * (outside any money transaction, `insert ... on conflict do nothing`), so an id, once cached, is
 * committed and never rolled back.
 */
export class AccountDirectory {
  private readonly ids = new Map<string, string>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The user's account id, creating the account if needed (a missing user fails on the foreign key). */
  user(userId: string): Promise<string> {
    return this.resolve(userAccountCode(userId), userId);
  }

  /** The user's account id, or null when the user never had one (nothing to read). */
  async existingUser(userId: string): Promise<string | null> {
    const code = userAccountCode(userId);
    const cached = this.ids.get(code);
    if (cached) return cached;
    const row = await this.db
      .selectFrom('credit_accounts')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirst();
    if (row) this.ids.set(code, row.id);
    return row?.id ?? null;
  }

  system(name: SystemAccount): Promise<string> {
    return this.resolve(systemAccountCode(name), null);
  }

  private async resolve(code: string, userId: string | null): Promise<string> {
    const cached = this.ids.get(code);
    if (cached) return cached;
    const now = Date.now();
    await this.db
      .insertInto('credit_accounts')
      .values({
        id: newId('acc'),
        code,
        user_id: userId,
        balance: 0,
        held: 0,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('credit_accounts')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    this.ids.set(code, row.id);
    return row.id;
  }
}
