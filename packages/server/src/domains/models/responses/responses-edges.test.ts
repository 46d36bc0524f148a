import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletion, ChatCompletionChunk } from '@smart-ai-hub/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentText } from '../../../../test/fakes/index.js';
import { createUser } from '../../../../test/support/auth-fixtures.js';
import { createResponsesKit, type ResponsesKit } from '../../../../test/support/responses-kit.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { hubPromptCount } from '../../../../test/support/token-oracle.js';
import { creditsToUnits } from '../../credits/money.js';
import { createGatewayKit, GATEWAY_SETUPS, type GatewayKit, TEST_PRICES } from '../models-test-kit.js';
import type { ProviderFactory } from '../providers/provider.js';

const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** Usage as OpenAI reports it for a cached prompt and a reasoning model. */
const DETAILED_USAGE = {
  prompt_tokens: 40,
  completion_tokens: 12,
  total_tokens: 52,
  prompt_tokens_details: { cached_tokens: 32 },
  completion_tokens_details: { reasoning_tokens: 9 },
};

/** An upstream that answers "ok" with detailed usage, streamed or not. */
const detailed: ProviderFactory = () => {
  const head = { id: 'chatcmpl-d', created: 0, model: 'detailed' };
  return {
    async complete() {
      return {
        ...head,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: DETAILED_USAGE,
      } satisfies ChatCompletion;
    },
    async stream() {
      const chunks: ChatCompletionChunk[] = [
        {
          ...head,
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }],
        },
        { ...head, object: 'chat.completion.chunk', choices: [], usage: DETAILED_USAGE },
      ];
      return (async function* () {
        yield* chunks;
      })();
    },
  };
};

for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`Responses API details (${dialect} + ${coordination})`, () => {
    let kit: ResponsesKit;
    let client: OpenAI;

    beforeAll(async () => {
      kit = await createResponsesKit(dialect, coordination);
      const user = await kit.user({ units: creditsToUnits(10) });
      client = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    });
    afterAll(() => kit?.close());

    const sent = () => kit.openai.requests.at(-1)!.body as Record<string, unknown> & { messages: unknown[] };

    it('sends instructions first, images as image parts, the output limit, and reasoning effort upstream', async () => {
      const response = await client.responses.create({
        model: 'fault-openai',
        instructions: 'Be brief',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is in this picture?' },
              { type: 'input_image', image_url: PIXEL, detail: 'low' },
            ],
          },
        ],
        max_output_tokens: 3,
        reasoning: { effort: 'low' },
      });
      expect(sent().messages).toEqual([
        { role: 'system', content: 'Be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: PIXEL, detail: 'low' } },
          ],
        },
      ]);
      expect(sent()).toMatchObject({ max_completion_tokens: 3, reasoning_effort: 'low' });
      expect(response.status).toBe('incomplete');
      expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
      expect(response.output_text).toBe(contentText(3));
      expect(response).toMatchObject({
        instructions: 'Be brief',
        max_output_tokens: 3,
        reasoning: { effort: 'low' },
      });
    });

    it('streams a response cut by its output limit to response.incomplete', async () => {
      const stream = client.responses.stream({
        model: 'fault-anthropic',
        input: 'Count',
        max_output_tokens: 2,
      });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types.at(-1)).toBe('response.incomplete');
      const final = await stream.finalResponse();
      expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
      expect(final.output_text).toBe(contentText(2));
    });

    it('refuses what the hub cannot serve, naming it (400 in OpenAI shape)', async () => {
      const cases: Array<[Parameters<typeof client.responses.create>[0], RegExp]> = [
        [{ model: 'fault-openai', input: 'x', tools: [{ type: 'web_search' }] }, /tools\[0\].*web_search/],
        [
          {
            model: 'fault-openai',
            input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }],
          },
          /input\[0\]\.content\[0\].*input_file/,
        ],
        [
          {
            model: 'fault-openai',
            input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }],
          },
          /image_url/,
        ],
        [
          { model: 'fault-openai', input: [{ type: 'item_reference', id: 'msg_none' }] },
          /msg_none.*not found/,
        ],
        [{ model: 'fault-openai', input: 'x', previous_response_id: 'resp_none' }, /resp_none.*not found/],
        [{ model: 'no-such-model', input: 'x' }, /no-such-model/],
      ];
      for (const [body, message] of cases) {
        const error = await client.responses.create(body as never).catch((e) => e);
        expect(error, JSON.stringify(body)).toBeInstanceOf(OpenAI.APIError);
        expect([400, 404]).toContain(error.status);
        expect(error.message).toMatch(message);
      }
    });

    it('answers GET /v1/models/{id} by id or alias, and 404 for any other name', async () => {
      expect(await client.models.retrieve('fault-mock')).toMatchObject({ id: 'fault-mock', object: 'model' });
      expect(await client.models.retrieve('gpt')).toMatchObject({ id: 'test-gpt' });
      await expect(client.models.retrieve('no-such-model')).rejects.toMatchObject({ status: 404 });
      const limited = await kit.user({ allowedModels: ['fault-mock'] });
      const narrow = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: limited.apiKey, maxRetries: 0 });
      expect((await narrow.models.retrieve('fault-mock')).id).toBe('fault-mock');
      await expect(narrow.models.retrieve('test-gpt')).rejects.toMatchObject({ status: 404 });
    });

    it("counts a Messages request's tokens as the hub meters them (POST /v1/messages/count_tokens)", async () => {
      const user = await kit.user();
      const anthropic = new Anthropic({ baseURL: kit.t.url, apiKey: user.apiKey, maxRetries: 0 });
      const counted = await anthropic.messages.countTokens({
        model: 'fault-anthropic',
        system: 'Be brief',
        messages: [{ role: 'user', content: 'Hello there, how are you today?' }],
      });
      expect(counted.input_tokens).toBe(
        hubPromptCount([{ content: 'Be brief' }, { content: 'Hello there, how are you today?' }]),
      );
      await expect(
        anthropic.messages.countTokens({
          model: 'no-such-model',
          messages: [{ role: 'user', content: 'x' }],
        }),
      ).rejects.toMatchObject({ status: 404 });
      expect(await kit.usageRows()).not.toContainEqual(expect.objectContaining({ user_id: user.userId }));
    });
  });

  describe(`Responses API usage details (${dialect} + ${coordination})`, () => {
    let kit: GatewayKit;
    let client: OpenAI;

    beforeAll(async () => {
      kit = await createGatewayKit(dialect, coordination, {
        listen: true,
        providers: { detailed },
        extraModels: [
          { id: 'detailed', ...TEST_PRICES, deployments: [{ id: 'detailed', provider: 'detailed' }] },
        ],
      });
      const user = await kit.user();
      client = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    });
    afterAll(() => kit?.close());

    const expected = {
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 32 },
      output_tokens: 12,
      output_tokens_details: { reasoning_tokens: 9 },
      total_tokens: 52,
    };

    it('reports cached and reasoning tokens, created and streamed', async () => {
      expect((await client.responses.create({ model: 'detailed', input: 'hi' })).usage).toEqual(expected);
      const stream = client.responses.stream({ model: 'detailed', input: 'hi' });
      for await (const _event of stream) {
        // drain
      }
      expect((await stream.finalResponse()).usage).toEqual(expected);
    });
  });

  describe(`Responses API with storage turned off (${dialect} + ${coordination})`, () => {
    let t: TestHub & { url: string };
    let client: OpenAI;

    beforeAll(async () => {
      t = await createTestHub({ dialect, coordination, listen: true, env: { HUB_RESPONSES_STORE: 'off' } });
      const user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(10),
        idempotencyKey: 'off',
      });
      client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    });
    afterAll(() => t?.close());

    it('refuses store: true with a clear error, keeps nothing by default, and finds nothing', async () => {
      const refused = await client.responses
        .create({ model: 'mock', input: 'hi', store: true })
        .catch((e) => e);
      expect(refused).toMatchObject({ status: 400, code: 'validation_error' });
      expect(refused.message).toMatch(/store.*turned storage off/);
      const response = await client.responses.create({ model: 'mock', input: 'hi' });
      expect((response as unknown as { store: boolean }).store).toBe(false);
      expect(response.output_text).not.toBe('');
      const rows = await t.hub.db.selectFrom('responses').select('id').execute();
      expect(rows).toEqual([]);
      await expect(client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
      const continued = await client.responses
        .create({ model: 'mock', input: 'again', previous_response_id: response.id })
        .catch((e) => e);
      expect(continued).toMatchObject({ status: 400 });
      expect(continued.message).toMatch(/previous_response_id.*storage/);
    });
  });
}
