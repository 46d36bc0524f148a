import { createOpenAI } from '@ai-sdk/openai';
import { generateText, type ModelMessage, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
// The hub under test and its fake upstreams come from the server's test kits.
import { GATEWAY_SETUPS } from '../../../packages/server/src/domains/models/models-test-kit.js';
import {
  answerOf,
  createResponsesKit,
  RESPONSE_KINDS,
  type ResponsesKit,
} from '../../../packages/server/test/support/responses-kit.js';
import { hubRunner, weatherAgent, weatherIn } from './weather-agent.js';

const GRANT = 10_000_000;
const paris = { name: 'weather', arguments: { city: 'Paris' } };

/**
 * The Responses API as two client libraries use it, against a real hub, on every provider kind
 * and on SQLite + memory and PostgreSQL + Redis: the Vercel AI SDK's default OpenAI provider
 * (`generateText`, `streamText`, a conversation through stored responses, a tool call) and the
 * OpenAI Agents SDK running a one-tool agent. Every call is metered: the balance goes down by
 * exactly what the usage rows charged.
 */
for (const { dialect, coordination } of GATEWAY_SETUPS) {
  describe(`Responses API clients (${dialect} + ${coordination})`, () => {
    let kit: ResponsesKit;
    let user: { userId: string; apiKey: string };

    beforeAll(async () => {
      kit = await createResponsesKit(dialect, coordination);
    });
    afterAll(() => kit?.close());
    beforeEach(async () => {
      await Promise.all([kit.openai.idle(), kit.anthropic.idle()]);
      kit.openai.reset();
      kit.anthropic.reset();
      user = await kit.user({ units: GRANT });
    });

    const provider = () => createOpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey });

    /** Every usage row of the user is a `/v1/responses` call, and the balance paid exactly their sum. */
    async function expectMetered(calls: number) {
      let rows: Array<Record<string, unknown>> = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        rows = (await kit.usageRows()).filter((r) => r.user_id === user.userId);
        if (rows.length >= calls) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(rows).toHaveLength(calls);
      for (const row of rows) expect(row).toMatchObject({ endpoint: '/v1/responses', status: 'ok' });
      const charged = rows.reduce((sum, r) => sum + Number(r.cost), 0);
      expect(charged).toBeGreaterThan(0);
      expect(await kit.balance(user.userId)).toBe(GRANT - charged);
      expect(await kit.openHolds()).toBe(0);
    }

    describe.each(RESPONSE_KINDS)('$provider', (kind) => {
      it('AI SDK: generateText', async () => {
        const result = await generateText({ model: provider()(kind.model), prompt: 'Tell me something' });
        expect(result.text).toBe(answerOf(kind));
        expect(result.finishReason).toBe('stop');
        expect(result.usage.outputTokens).toBeGreaterThan(0);
        await expectMetered(1);
      });

      it('AI SDK: streamText', async () => {
        const result = streamText({ model: provider()(kind.model), prompt: 'Tell me something' });
        let text = '';
        for await (const delta of result.textStream) text += delta;
        expect(text).toBe(answerOf(kind));
        expect((await result.usage).outputTokens).toBeGreaterThan(0);
        await expectMetered(1);
      });

      it('AI SDK: a multi-turn conversation through stored responses', async () => {
        const model = provider()(kind.model);
        const messages: ModelMessage[] = [{ role: 'user', content: 'My name is Ada' }];
        const first = await generateText({ model, messages });
        // Turn two names turn one's answer by reference (`item_reference`), as the SDK does when
        // responses are stored; turn three continues by `previous_response_id`.
        messages.push(...first.response.messages, { role: 'user', content: 'What is my name?' });
        const second = await generateText({ model, messages });
        expect(second.text).toBe(answerOf(kind));
        const third = await generateText({
          model,
          prompt: 'And again?',
          providerOptions: {
            openai: { previousResponseId: second.providerMetadata?.openai?.responseId as string },
          },
        });
        expect(third.text).toBe(answerOf(kind));
        const fake = kit.fakeOf(kind);
        if (fake) {
          const [, secondSent, thirdSent] = fake.requests.map((r) => JSON.stringify(r.body));
          expect(secondSent).toContain('My name is Ada');
          expect(secondSent).toContain(answerOf(kind));
          expect(thirdSent).toContain('My name is Ada');
          expect(thirdSent).toContain('What is my name?');
          expect(thirdSent).toContain('And again?');
        }
        await expectMetered(3);
      });

      it('Agents SDK: a one-tool agent runs to its answer', async () => {
        kit.fakeOf(kind)?.script({ toolCall: paris });
        const calls: string[] = [];
        const runner = hubRunner({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey });
        const result = await runner.run(weatherAgent(kind.model, calls), 'What is the weather in Paris?');
        expect(result.finalOutput).toBe(answerOf(kind));
        // The mock never calls tools; the others called it once and were given its output.
        expect(calls).toEqual(kind.tools ? ['Paris'] : []);
        if (kind.tools)
          expect(JSON.stringify(kit.fakeOf(kind)!.requests.at(-1)!.body)).toContain(weatherIn('Paris'));
        await expectMetered(kind.tools ? 2 : 1);
      });

      it('Agents SDK: the same agent, streamed', async () => {
        kit.fakeOf(kind)?.script({ toolCall: paris });
        const calls: string[] = [];
        const runner = hubRunner({ baseURL: `${kit.t.url}/v1`, apiKey: user.apiKey });
        const result = await runner.run(weatherAgent(kind.model, calls), 'What is the weather in Paris?', {
          stream: true,
        });
        let text = '';
        for await (const event of result.toTextStream()) text += event;
        await result.completed;
        expect(result.finalOutput).toBe(answerOf(kind));
        expect(text).toBe(answerOf(kind));
        expect(calls).toEqual(kind.tools ? ['Paris'] : []);
        await expectMetered(kind.tools ? 2 : 1);
      });
    });

    describe.each(RESPONSE_KINDS.filter((k) => k.tools))('$provider (tools)', (kind) => {
      it('AI SDK: a tool call, executed, then the answer', async () => {
        kit.fakeOf(kind)!.script({ toolCall: paris });
        const result = await generateText({
          model: provider()(kind.model),
          prompt: 'Weather in Paris?',
          tools: {
            weather: tool({
              description: 'The weather now in a city',
              inputSchema: z.object({ city: z.string() }),
              execute: async ({ city }) => weatherIn(city),
            }),
          },
          stopWhen: stepCountIs(3),
        });
        expect(result.steps[0]!.toolCalls).toMatchObject([{ toolName: 'weather', input: { city: 'Paris' } }]);
        expect(result.text).toBe(answerOf(kind));
        expect(JSON.stringify(kit.fakeOf(kind)!.requests.at(-1)!.body)).toContain(weatherIn('Paris'));
        await expectMetered(2);
      });
    });
  });
}
