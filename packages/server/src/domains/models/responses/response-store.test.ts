import { newId } from '@smart-ai-hub/adapters';
import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { ResponseObject } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { newResponse } from './response-object.js';
import { ResponseStore, type StoredItem } from './response-store.js';

const DAY_MS = 24 * 3600_000;

/** A finished response of `owner` with one output message, continuing `previous` if given. */
function finished(text: string, previous?: string): ResponseObject {
  return {
    ...newResponse(
      { model: 'm', input: text, previous_response_id: previous ?? null },
      { id: newId('resp'), model: 'm', store: true },
    ),
    status: 'completed',
    output: [
      {
        type: 'message',
        id: newId('msg'),
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: `answer to ${text}`, annotations: [] }],
      },
    ],
  };
}

const said = (text: string): StoredItem => ({
  type: 'message',
  id: newId('msg'),
  role: 'user',
  content: text,
});

for (const dialect of await testDialects()) {
  describe(`stored responses (migration 0009) on ${dialect}`, () => {
    let t: TestHub;
    let store: ResponseStore;

    beforeAll(async () => {
      t = await createTestHub({ dialect });
      store = new ResponseStore(t.hub.db, 30 * DAY_MS);
    });
    afterAll(() => t?.close());

    /** A bare user row (no sessions, keys or account), so that deleting it is only about its responses. */
    async function owner(): Promise<string> {
      const id = newId('usr');
      const now = Date.now();
      await t.hub.db
        .insertInto('users')
        .values({
          id,
          email: `${id}@example.test`,
          password_hash: null,
          name: null,
          role: 'user',
          email_verified_at: null,
          disabled_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return id;
    }

    const count = async (table: 'responses' | 'response_items', userId: string) =>
      Number(
        (
          await t.hub.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', userId)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('rebuilds a conversation along previous_response_id, oldest first, for its owner only', async () => {
      const ada = await owner();
      const first = finished('one');
      await store.save(ada, first, [said('one')]);
      const second = finished('two', first.id);
      await store.save(ada, second, [said('two')]);
      const texts = (await store.conversation(ada, second.id))!.map((item) =>
        'content' in item && typeof item.content === 'string'
          ? item.content
          : ((item as { content: Array<{ text: string }> }).content[0]!.text ?? ''),
      );
      expect(texts).toEqual(['one', 'answer to one', 'two', 'answer to two']);
      expect(await store.conversation(await owner(), second.id)).toBeUndefined();
      expect((await store.get(ada, second.id))?.output).toEqual(second.output);
      const outputId = first.output[0]!.id;
      expect(await store.item(ada, outputId)).toEqual(first.output[0]);
    });

    it('answers nothing past retention, and the sweep deletes it with its items', async () => {
      const ada = await owner();
      const old = finished('old');
      await store.save(ada, old, [said('old')]);
      await t.hub.db
        .updateTable('responses')
        .set({ created_at: Date.now() - 31 * DAY_MS })
        .where('id', '=', old.id)
        .execute();
      await t.hub.db
        .updateTable('response_items')
        .set({ created_at: Date.now() - 31 * DAY_MS })
        .where('response_id', '=', old.id)
        .execute();
      const fresh = finished('fresh');
      await store.save(ada, fresh, [said('fresh')]);
      expect(await store.get(ada, old.id)).toBeUndefined();
      expect(await store.item(ada, old.output[0]!.id)).toBeUndefined();
      expect(await store.sweep()).toBeGreaterThanOrEqual(1);
      expect(await count('responses', ada)).toBe(1);
      expect(await count('response_items', ada)).toBe(2);
      expect(await store.get(ada, fresh.id)).toBeDefined();
    });

    it('deletes a response with its items, and every response of an owner deleted', async () => {
      const ada = await owner();
      const one = finished('one');
      await store.save(ada, one, [said('one')]);
      await store.save(ada, finished('two', one.id), [said('two')]);
      expect(await store.delete(await owner(), one.id)).toBe(false);
      expect(await store.delete(ada, one.id)).toBe(true);
      expect(await count('responses', ada)).toBe(1);
      expect(await count('response_items', ada)).toBe(2);
      await t.hub.db.deleteFrom('users').where('id', '=', ada).execute();
      expect(await count('responses', ada)).toBe(0);
      expect(await count('response_items', ada)).toBe(0);
    });

    it('pages input items newest first, or oldest first', async () => {
      const ada = await owner();
      const items = ['a', 'b', 'c'].map(said);
      const response = finished('abc');
      await store.save(ada, response, items);
      const desc = await store.inputItems(ada, response.id, { limit: 2, order: 'desc' });
      expect(desc).toMatchObject({ has_more: true, first_id: items[2]!.id, last_id: items[1]!.id });
      const rest = await store.inputItems(ada, response.id, {
        limit: 2,
        order: 'desc',
        after: desc!.last_id!,
      });
      expect(rest).toMatchObject({ has_more: false, data: [items[0]] });
      const asc = await store.inputItems(ada, response.id, { limit: 10, order: 'asc' });
      expect(asc!.data).toEqual(items);
    });
  });
}
