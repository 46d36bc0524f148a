import { testDialects } from '@smart-ai-hub/adapters/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../../test/fakes/fake-openai.js';
import { openAIEmbeddingTokens } from '../../../../test/fakes/openai-answer.js';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { creditsToUnits } from '../../credits/money.js';
import { modelsFileSchema } from '../catalog/catalog-schema.js';
import { MOCK_MAX_DIMENSIONS } from './embeddings-provider.js';

for (const dialect of await testDialects()) {
  const coordination = dialect === 'sqlite' ? 'memory' : 'redis';
  describe(`POST /v1/embeddings, official openai client (${dialect} + ${coordination})`, () => {
    let fake: FakeOpenAI;
    let t: TestHub & { url: string };
    let user: TestUser;
    let client: OpenAI;

    beforeAll(async () => {
      fake = await startFakeOpenAI();
      t = await createTestHub({
        dialect,
        coordination,
        listen: true,
        models: modelsFileSchema.parse({
          includeDefaults: true,
          retry: { baseDelayMs: 1 },
          models: [
            {
              id: 'text-embedding-3-small',
              inputPrice: 20,
              outputPrice: 0,
              deployments: [
                { id: 'emb', provider: 'openai', baseURL: fake.baseURL, apiKey: 'sk-fake-openai' },
              ],
            },
            {
              id: 'mock-embed',
              inputPrice: 10,
              outputPrice: 0,
              deployments: [{ id: 'mock-embed', provider: 'mock' }],
            },
          ],
        }),
      });
      user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(10),
        idempotencyKey: `g-${user.user.id}`,
      });
      client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });

    it('embeds, charges the reported tokens and writes a usage row', async () => {
      const input = ['The quick brown fox', 'jumps over the lazy dog'];
      const before = (await t.hub.services.credits.balance(user.user.id)).balance;
      const { data, response } = await client.embeddings
        .create({ model: 'text-embedding-3-small', input, dimensions: 8, user: 'end-42' })
        .withResponse();
      expect(data.data).toHaveLength(2);
      expect(data.data[0]!.embedding).toHaveLength(8);
      const tokens = openAIEmbeddingTokens(input);
      expect(data.usage.prompt_tokens).toBe(tokens);
      const expected = Math.ceil((tokens * creditsToUnits(20)) / 1_000_000);
      expect(before - (await t.hub.services.credits.balance(user.user.id)).balance).toBe(expected);
      expect(creditsToUnits(Number(response.headers.get('x-hub-cost')))).toBe(expected);
      await t.hub.services.models.usage.flush();
      const row = await t.hub.db
        .selectFrom('usage_logs')
        .selectAll()
        .where('request_id', '=', response.headers.get('x-request-id')!)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        user_id: user.user.id,
        model: 'text-embedding-3-small',
        endpoint: '/v1/embeddings',
        end_user: 'end-42',
        status: 'ok',
        deployment: 'emb',
      });
      expect(Number(row.input_tokens)).toBe(tokens);
      expect(Number(row.cost)).toBe(expected);
    });

    it('serves the mock provider offline, base64 too', async () => {
      const result = await client.embeddings.create({
        model: 'mock-embed',
        input: 'hello',
        encoding_format: 'float',
      });
      expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
      const again = await client.embeddings.create({
        model: 'mock-embed',
        input: 'hello',
        encoding_format: 'float',
      });
      expect(again.data[0]!.embedding).toEqual(result.data[0]!.embedding);
    });

    it("caps the mock's dimensions as OpenAI caps text-embedding-3: up to the native length, a 400 past it", async () => {
      const longest = await client.embeddings.create({
        model: 'mock-embed',
        input: 'hello',
        dimensions: MOCK_MAX_DIMENSIONS,
      });
      expect(longest.data[0]!.embedding).toHaveLength(MOCK_MAX_DIMENSIONS);
      const before = (await t.hub.services.credits.balance(user.user.id)).balance;
      for (const dimensions of [MOCK_MAX_DIMENSIONS + 1, 400_000_000]) {
        await expect(
          client.embeddings.create({ model: 'mock-embed', input: ['a', 'b'], dimensions }),
        ).rejects.toMatchObject({
          status: 400,
          error: {
            type: 'invalid_request_error',
            message: expect.stringContaining(`dimensions is ${dimensions}`),
          },
        });
      }
      expect((await t.hub.services.credits.balance(user.user.id)).balance).toBe(before);
    });

    it('retries an upstream 500, charges once; errors answer in OpenAI shape', async () => {
      const requests = fake.stats.requests;
      fake.script({ status: 500 });
      await client.embeddings.create({ model: 'text-embedding-3-small', input: 'retry me' });
      expect(fake.stats.requests - requests).toBe(2);

      await expect(client.embeddings.create({ model: 'nope', input: 'x' })).rejects.toMatchObject({
        status: 404,
        error: { message: expect.stringContaining('nope') },
      });
      await expect(
        client.embeddings.create({ model: 'mock-embed', input: [] as string[] }),
      ).rejects.toMatchObject({
        status: 400,
        error: { type: 'invalid_request_error', message: expect.stringContaining('input') },
      });
      const poor = await createUser(t);
      const broke = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: poor.apiKey, maxRetries: 0 });
      await expect(
        broke.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
      ).rejects.toMatchObject({ status: 402 });
    });
  });
}
