import type { ChatCompletion, ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicUsageOf, planAnthropicAnswer } from '../../../../test/fakes/anthropic-answer.js';
import { anthropicMessage, anthropicMessageFrames } from '../../../../test/fakes/anthropic-wire.js';
import { openAIUsageOf, planOpenAIAnswer } from '../../../../test/fakes/openai-answer.js';
import { chatCompletion, chatCompletionFrames } from '../../../../test/fakes/openai-wire.js';
import type { AnthropicMessage, AnthropicStreamEvent } from './anthropic-wire.js';
import { ChatChunksToEvents } from './chat-chunks-to-events.js';
import { chatCompletionToMessage } from './chat-completion-to-message.js';
import { AnthropicStreamError, EventsToChatChunks } from './events-to-chat-chunks.js';
import { messageToChatCompletion } from './message-to-chat-completion.js';

const tools = [{ type: 'function', function: { name: 'weather' } }];
const toolCall = { name: 'weather', arguments: { city: 'Paris' }, id: 'call_1' };

/** The `data:` payloads of SSE frames, `[DONE]` left out. */
function payloads(frames: { head: string[]; content: string[]; tail: string[] }): unknown[] {
  return [...frames.head, ...frames.content, ...frames.tail]
    .map((frame) => /^data: (.*)$/m.exec(frame)![1]!)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data));
}

function openAIChunks(body: object, behaviour: object): ChatCompletionChunk[] {
  const plan = planOpenAIAnswer(body, behaviour);
  const meta = { id: 'chatcmpl-1', created: 1, model: 'gpt-4o-mini', toolCallId: 'call_1' };
  return payloads(chatCompletionFrames(plan, openAIUsageOf(plan), meta, true)) as ChatCompletionChunk[];
}

function anthropicEvents(body: object, behaviour: object): AnthropicStreamEvent[] {
  const plan = planAnthropicAnswer(body, behaviour);
  const meta = { id: 'msg_01', model: 'claude-haiku-4-5', toolUseId: 'toolu_1' };
  return payloads(anthropicMessageFrames(plan, anthropicUsageOf(plan), meta)) as AnthropicStreamEvent[];
}

/** Folds Anthropic events into the message a client ends with (as `MessageStream.finalMessage()` does). */
function accumulate(events: AnthropicStreamEvent[]): AnthropicMessage {
  let message: AnthropicMessage | undefined;
  const json = new Map<number, string>();
  for (const event of events) {
    if (event.type === 'message_start') message = structuredClone(event.message);
    else if (event.type === 'content_block_start')
      message!.content[event.index] = structuredClone(event.content_block);
    else if (event.type === 'content_block_delta') {
      const block = message!.content[event.index] as Record<string, unknown>;
      if (event.delta.type === 'text_delta') block.text = `${block.text}${event.delta.text}`;
      else
        json.set(
          event.index,
          (json.get(event.index) ?? '') + String((event.delta as { partial_json?: string }).partial_json),
        );
    } else if (event.type === 'content_block_stop' && json.has(event.index)) {
      (message!.content[event.index] as Record<string, unknown>).input = JSON.parse(json.get(event.index)!);
    } else if (event.type === 'message_delta') {
      message!.stop_reason = event.delta.stop_reason;
      message!.usage = { ...message!.usage, ...event.usage };
      if (event.hub) message!.hub = event.hub;
    }
  }
  return message!;
}

describe('ChatChunksToEvents (OpenAI stream -> Anthropic events)', () => {
  it('streams text as one block and ends with the usage and the hub charge', () => {
    const chunks = openAIChunks({ messages: [{ role: 'user', content: 'Say hi please' }] }, { chunks: 3 });
    chunks.at(-1)!.hub = { cost: 0.0012, balance: 9.9988, requestId: 'r1' };
    const translator = new ChatChunksToEvents('gpt-4o-mini');
    const events = [...chunks.flatMap((c) => translator.push(c)), ...translator.finish()];
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const message = accumulate(events);
    expect(message.content).toEqual([{ type: 'text', text: 'word1 word2 word3' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 4, output_tokens: 3 });
    expect(message.hub).toEqual({ cost: 0.0012, balance: 9.9988, requestId: 'r1' });
  });

  it('streams a tool call as a tool_use block whose JSON reassembles', () => {
    const chunks = openAIChunks({ messages: [{ role: 'user', content: 'Weather?' }], tools }, { toolCall });
    const translator = new ChatChunksToEvents('gpt-4o-mini');
    const message = accumulate([...chunks.flatMap((c) => translator.push(c)), ...translator.finish()]);
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('a stream with no chunk still yields a well-formed message', () => {
    const events = new ChatChunksToEvents('m').finish();
    expect(events.map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });
});

describe('EventsToChatChunks (Anthropic stream -> OpenAI chunks)', () => {
  it('reassembles text, finish reason and usage', () => {
    const body = {
      system: 'Be brief',
      messages: [{ role: 'user', content: 'Say hi please' }],
      max_tokens: 3,
    };
    const translator = new EventsToChatChunks();
    const chunks = anthropicEvents(body, { chunks: 5 }).flatMap((e) => translator.push(e));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('word1 word2 word3');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('length');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 },
    });
  });

  it('reassembles a tool call', () => {
    const translator = new EventsToChatChunks();
    const chunks = anthropicEvents(
      { messages: [{ role: 'user', content: 'Weather?' }], tools, max_tokens: 50 },
      { toolCall },
    ).flatMap((e) => translator.push(e));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: 'toolu_1', function: { name: 'weather' } });
    expect(JSON.parse(calls.map((c) => c.function?.arguments ?? '').join(''))).toEqual({ city: 'Paris' });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('counts the deltas of a stream cut short, and throws on an error event', () => {
    const translator = new EventsToChatChunks();
    const events = anthropicEvents(
      { messages: [{ role: 'user', content: 'x'.repeat(40) }], max_tokens: 50 },
      { chunks: 8 },
    );
    for (const event of events.slice(0, 6)) translator.push(event);
    expect(translator.usage).toEqual({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
    expect(() =>
      translator.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ).toThrow(AnthropicStreamError);
  });

  it('round-trips: Anthropic events -> chat chunks -> Anthropic events keep the message', () => {
    const body = { messages: [{ role: 'user', content: 'Weather?' }], tools, max_tokens: 50 };
    const original = anthropicEvents(body, { toolCall });
    const toChat = new EventsToChatChunks();
    const back = new ChatChunksToEvents('claude-haiku-4-5');
    const events = [
      ...original.flatMap((e) => toChat.push(e)).flatMap((c) => back.push(c)),
      ...back.finish(),
    ];
    const expected = accumulate(original);
    const actual = accumulate(events);
    expect(actual.content).toEqual(expected.content);
    expect(actual.stop_reason).toBe(expected.stop_reason);
    expect(actual.usage).toMatchObject({
      input_tokens: expected.usage.input_tokens,
      output_tokens: expected.usage.output_tokens,
    });
  });
});

describe('non-streamed answers', () => {
  it('translate both ways, text and tool calls', () => {
    const plan = planAnthropicAnswer(
      { messages: [{ role: 'user', content: 'Weather?' }], tools, max_tokens: 50 },
      { toolCall },
    );
    const message = anthropicMessage(plan, anthropicUsageOf(plan), {
      id: 'msg_01',
      model: 'claude',
      toolUseId: 'toolu_1',
    }) as AnthropicMessage;
    const completion = messageToChatCompletion(message, 7);
    expect(completion.choices[0]).toMatchObject({
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_1', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 2,
      completion_tokens: plan.chunks.length,
      total_tokens: 2 + plan.chunks.length,
    });
    const back = chatCompletionToMessage(completion, 'claude');
    expect(back.content).toEqual(message.content);
    expect(back.stop_reason).toBe('tool_use');

    const textPlan = planOpenAIAnswer({ messages: [{ role: 'user', content: 'hi' }] }, { chunks: 2 });
    const openai = chatCompletion(textPlan, openAIUsageOf(textPlan), {
      id: 'chatcmpl-9',
      created: 1,
      model: 'gpt',
      toolCallId: 'x',
    });
    expect(chatCompletionToMessage(openai as ChatCompletion, 'gpt-4o-mini')).toMatchObject({
      id: 'msg_chatcmpl-9',
      model: 'gpt-4o-mini',
      content: [{ type: 'text', text: 'word1 word2' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 1, output_tokens: 2 },
    });
  });
});
