import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedAnthropicUsage } from '../../../../test/fakes/anthropic-answer.js';
import { expectedOpenAIUsage } from '../../../../test/fakes/index.js';
import {
  answerOf,
  createResponsesKit,
  RESPONSE_KINDS,
  type ResponseKind,
  type ResponsesKit,
} from '../../../../test/support/responses-kit.js';
import { creditsToUnits } from '../../credits/money.js';
import { GATEWAY_SETUPS } from '../models-test-kit.js';

const GRANT = creditsToUnits(10);
const weather = {
  type: 'function' as const,
  name: 'weather',
  description: 'The weather now in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

/**
 * The Responses API through the official `openai` client, on every provider kind (the mock,
 * OpenAI-compatible and OpenAI upstreams, Anthropic's translated), on SQLite + memory and
 * PostgreSQL + Redis: created and streamed, metered exactly like chat, stored per owner.
 */
for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`POST /v1/responses with the openai client (${dialect} + ${coordination})`, () => {
    let kit: ResponsesKit;
    let user: { userId: string; apiKey: string };
    let client: OpenAI;

    beforeAll(async () => {
      kit = await createResponsesKit(dialect, coordination);
    });
    afterAll(() => kit?.close());
    beforeEach(async () => {
      await Promise.all([kit.openai.idle(), kit.anthropic.idle()]);
      kit.openai.reset();
      kit.anthropic.reset();
      user = await kit.user({ units: GRANT });
      client = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    });

    /** The usage the upstream of `kind` reported for its last request (the mock: the usage row). */
    async function reportedUsage(kind: ResponseKind) {
      const row = await kit.usageRowOf(user.userId);
      const fake = kit.fakeOf(kind);
      if (!fake) return { input: Number(row.input_tokens), output: Number(row.output_tokens), row };
      const body = fake.requests.at(-1)!.body;
      if (kind.provider === 'anthropic') {
        const usage = expectedAnthropicUsage(body);
        return { input: usage.input_tokens, output: usage.output_tokens, row };
      }
      const usage = expectedOpenAIUsage(body);
      return { input: usage.prompt_tokens, output: usage.completion_tokens, row };
    }

    describe.each(RESPONSE_KINDS)('$provider', (kind) => {
      it('creates a response, charged exactly its usage (headers, usage row, balance)', async () => {
        const { data, response } = await client.responses
          .create({ model: kind.model, input: 'Tell me something', store: false })
          .withResponse();
        expect(data.object).toBe('response');
        expect(data.status).toBe('completed');
        expect(data.output_text).toBe(answerOf(kind));
        expect(data.model).toBe(kind.model);
        const { input, output, row } = await reportedUsage(kind);
        expect(data.usage).toMatchObject({
          input_tokens: input,
          output_tokens: output,
          total_tokens: input + output,
        });
        expect(row).toMatchObject({ endpoint: '/v1/responses', status: 'ok', model: kind.model });
        const cost = kit.costOf(kind.model, input, output);
        expect(Number(row.cost)).toBe(cost);
        expect(creditsToUnits(Number(response.headers.get('x-hub-cost')))).toBe(cost);
        expect(await kit.balance(user.userId)).toBe(GRANT - cost);
        expect((data as unknown as { hub: { cost: number } }).hub.cost).toBe(
          Number(response.headers.get('x-hub-cost')),
        );
        expect(await kit.openHolds()).toBe(0);
      });

      it('streams typed events the client accumulates, ending on response.completed with the charge', async () => {
        const stream = client.responses.stream({ model: kind.model, input: 'Tell me something' });
        const events: Array<{ type: string; sequence_number: number }> = [];
        let deltas = '';
        for await (const event of stream) {
          events.push(event);
          if (event.type === 'response.output_text.delta') deltas += event.delta;
        }
        const final = await stream.finalResponse();
        expect(final.output_text).toBe(answerOf(kind));
        expect(deltas).toBe(answerOf(kind));
        expect(events.map((e) => e.sequence_number)).toEqual(events.map((_e, i) => i));
        expect(events[0]!.type).toBe('response.created');
        expect(events[1]!.type).toBe('response.in_progress');
        const last = events.at(-1) as unknown as {
          type: string;
          response: { usage: unknown; hub: { cost: number } };
        };
        expect(last.type).toBe('response.completed');
        const { input, output, row } = await reportedUsage(kind);
        expect(last.response.usage).toMatchObject({ input_tokens: input, output_tokens: output });
        const cost = kit.costOf(kind.model, input, output);
        expect(creditsToUnits(last.response.hub.cost)).toBe(cost);
        expect(row).toMatchObject({ endpoint: '/v1/responses', status: 'ok' });
        expect(await kit.balance(user.userId)).toBe(GRANT - cost);
        expect(await kit.openHolds()).toBe(0);
      });

      it('stores the response for its owner: retrieve, input items, continue, delete; a stranger gets 404', async () => {
        const first = await client.responses.create({
          model: kind.model,
          instructions: 'Answer briefly',
          input: [{ role: 'user', content: [{ type: 'input_text', text: 'First question' }] }],
        });
        const retrieved = await client.responses.retrieve(first.id);
        expect(retrieved.output_text).toBe(answerOf(kind));
        expect(retrieved.status).toBe('completed');
        const items = await client.responses.inputItems.list(first.id);
        expect(items.data).toHaveLength(1);
        expect(items.data[0]).toMatchObject({ type: 'message', role: 'user' });

        const second = await client.responses.create({
          model: kind.model,
          previous_response_id: first.id,
          input: 'Second question',
        });
        expect(second.previous_response_id).toBe(first.id);
        const fake = kit.fakeOf(kind);
        if (fake) {
          // The upstream got the whole conversation (instructions are not carried over).
          const sent = JSON.stringify(fake.requests.at(-1)!.body);
          expect(sent).toContain('First question');
          expect(sent).toContain(answerOf(kind));
          expect(sent).toContain('Second question');
          expect(sent).not.toContain('Answer briefly');
        }

        const stranger = await kit.user({ units: GRANT });
        const other = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: stranger.apiKey, maxRetries: 0 });
        await expect(other.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
        await expect(
          other.responses.create({ model: kind.model, previous_response_id: first.id, input: 'x' }),
        ).rejects.toMatchObject({ status: 404 });
        await expect(other.responses.delete(first.id)).rejects.toMatchObject({ status: 404 });

        await client.responses.delete(first.id);
        await expect(client.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
      });
    });

    describe.each(RESPONSE_KINDS.filter((k) => k.tools))('$provider (tools)', (kind) => {
      it('calls a function tool and continues with its output', async () => {
        kit.fakeOf(kind)!.script({ toolCall: { name: 'weather', arguments: { city: 'Paris' } } });
        const call = await client.responses.create({
          model: kind.model,
          input: 'Weather in Paris?',
          tools: [weather],
        });
        const fc = call.output.find((item) => item.type === 'function_call');
        expect(fc).toMatchObject({ type: 'function_call', name: 'weather' });
        expect(JSON.parse((fc as { arguments: string }).arguments)).toEqual({ city: 'Paris' });
        const answer = await client.responses.create({
          model: kind.model,
          previous_response_id: call.id,
          tools: [weather],
          input: [
            {
              type: 'function_call_output',
              call_id: (fc as { call_id: string }).call_id,
              output: 'Sunny, 21 C',
            },
          ],
        });
        expect(answer.output_text).toBe(answerOf(kind));
        expect(JSON.stringify(kit.fakeOf(kind)!.requests.at(-1)!.body)).toContain('Sunny, 21 C');
      });

      it('streams a function call: arguments as deltas, the call in the final response', async () => {
        kit.fakeOf(kind)!.script({ toolCall: { name: 'weather', arguments: { city: 'Paris' } } });
        const stream = client.responses.stream({
          model: kind.model,
          input: 'Weather in Paris?',
          tools: [weather],
        });
        let args = '';
        for await (const event of stream) {
          if (event.type === 'response.function_call_arguments.delta') args += event.delta;
        }
        const final = await stream.finalResponse();
        const fc = final.output.find((item) => item.type === 'function_call') as {
          arguments: string;
          name: string;
        };
        expect(fc.name).toBe('weather');
        expect(JSON.parse(fc.arguments)).toEqual({ city: 'Paris' });
        expect(args).toBe(fc.arguments);
        expect(final.status).toBe('completed');
      });
    });
  });
}
