import type { Database } from '@smart-ai-hub/adapters';
import type {
  ResponseInputItem,
  ResponseInputItemList,
  ResponseObject,
  ResponseOutputItem,
} from '@smart-ai-hub/sdk';
import type { Kysely } from 'kysely';

/** An item as stored: an input item (references resolved) or an output item, with its id. */
export type StoredItem = (ResponseInputItem | ResponseOutputItem) & { id: string };

/** A page request of `GET /v1/responses/{id}/input_items`. */
export interface InputItemsPage {
  /** An item id: the page starts after it. */
  after?: string;
  limit: number;
  order: 'asc' | 'desc';
}

/**
 * The stored responses of the Responses API, per owner: a response row (the Response without its
 * output) and its items, input then output, in order. Every read is scoped to the owner (another
 * user's id is simply not found) and to the retention window (older rows answer as gone before
 * the sweep deletes them).
 */
export class ResponseStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** How long a response is kept, ms. */
    private readonly retentionMs: number,
  ) {}

  /** Keeps a finished response and its input items (with ids) for its owner, in one transaction. */
  async save(owner: string, response: ResponseObject, input: StoredItem[]): Promise<void> {
    const createdAt = Date.now();
    const { output, ...rest } = response;
    const items = [
      ...input.map((item) => ({ item, kind: 'input' as const })),
      ...output.map((item) => ({ item: item as StoredItem, kind: 'output' as const })),
    ].map(({ item, kind }, position) => ({
      response_id: response.id,
      position,
      user_id: owner,
      item_id: item.id,
      kind,
      item: JSON.stringify(item),
      created_at: createdAt,
    }));
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('responses')
        .values({
          id: response.id,
          user_id: owner,
          previous_response_id: response.previous_response_id,
          model: response.model,
          status: response.status,
          response: JSON.stringify(rest),
          created_at: createdAt,
        })
        .execute();
      // Bounded batches: PostgreSQL takes at most 65,535 parameters per statement.
      for (let i = 0; i < items.length; i += 1_000) {
        await trx
          .insertInto('response_items')
          .values(items.slice(i, i + 1_000))
          .execute();
      }
    });
  }

  /** The owner's response with its output, or undefined (unknown, another user's, or past retention). */
  async get(owner: string, id: string): Promise<ResponseObject | undefined> {
    const row = await this.row(owner, id);
    if (!row) return undefined;
    const output = await this.items(id, 'output');
    return {
      ...(JSON.parse(row.response) as Omit<ResponseObject, 'output'>),
      output: output as ResponseOutputItem[],
    };
  }

  /** Deletes the owner's response and its items; false when there was none to delete. */
  async delete(owner: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('responses')
      .where('id', '=', id)
      .where('user_id', '=', owner)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** A page of the response's input items, or undefined when the response is not the owner's. */
  async inputItems(
    owner: string,
    id: string,
    page: InputItemsPage,
  ): Promise<ResponseInputItemList | undefined> {
    if (!(await this.row(owner, id))) return undefined;
    const all = await this.items(id, 'input');
    if (page.order === 'desc') all.reverse();
    const start = page.after === undefined ? 0 : all.findIndex((item) => item.id === page.after) + 1;
    const data = all.slice(start, start + page.limit) as ResponseInputItemList['data'];
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: start + page.limit < all.length,
    };
  }

  /**
   * The conversation up to and including the owner's response `id`, oldest first: each response
   * of the `previous_response_id` chain gives its input items, then its output items (their
   * `instructions` are not carried over, as OpenAI does). Undefined when `id` is not the owner's.
   * A link deleted or swept from the middle of the chain ends it there.
   */
  async conversation(owner: string, id: string): Promise<StoredItem[] | undefined> {
    const chain: string[] = [];
    let next: string | null = id;
    while (next !== null) {
      const row = await this.row(owner, next);
      if (!row) break;
      chain.push(row.id);
      next = row.previous_response_id;
    }
    if (chain.length === 0) return undefined;
    const rows = await this.db
      .selectFrom('response_items')
      .select(['response_id', 'position', 'item'])
      .where('response_id', 'in', chain)
      .execute();
    const order = new Map(chain.map((responseId, index) => [responseId, chain.length - index]));
    rows.sort((a, b) => order.get(a.response_id)! - order.get(b.response_id)! || a.position - b.position);
    return rows.map((row) => JSON.parse(row.item) as StoredItem);
  }

  /** The owner's stored item `itemId` (input or output; the newest when repeated), for `item_reference`. */
  async item(owner: string, itemId: string): Promise<StoredItem | undefined> {
    const row = await this.db
      .selectFrom('response_items')
      .select('item')
      .where('user_id', '=', owner)
      .where('item_id', '=', itemId)
      .where('created_at', '>=', this.cutoff())
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (JSON.parse(row.item) as StoredItem) : undefined;
  }

  /** Deletes responses past retention (their items go with them), in batches; answers how many. */
  async sweep(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.db
        .selectFrom('responses')
        .select('id')
        .where('created_at', '<', this.cutoff())
        .limit(batch)
        .execute();
      if (ids.length === 0) return total;
      await this.db
        .deleteFrom('responses')
        .where(
          'id',
          'in',
          ids.map((r) => r.id),
        )
        .execute();
      total += ids.length;
    }
  }

  private cutoff(): number {
    return Date.now() - this.retentionMs;
  }

  private row(owner: string, id: string) {
    return this.db
      .selectFrom('responses')
      .select(['id', 'previous_response_id', 'response'])
      .where('id', '=', id)
      .where('user_id', '=', owner)
      .where('created_at', '>=', this.cutoff())
      .executeTakeFirst();
  }

  private async items(responseId: string, kind: 'input' | 'output'): Promise<StoredItem[]> {
    const rows = await this.db
      .selectFrom('response_items')
      .select('item')
      .where('response_id', '=', responseId)
      .where('kind', '=', kind)
      .orderBy('position')
      .execute();
    return rows.map((row) => JSON.parse(row.item) as StoredItem);
  }
}
