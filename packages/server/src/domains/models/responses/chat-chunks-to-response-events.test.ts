import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { describe, expect, it } from 'vitest';
import { ChatChunksToResponseEvents } from './chat-chunks-to-response-events.js';
import { newResponse } from './response-object.js';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 0, model: 'm' };
const delta = (
  d: ChatCompletionChunk['choices'][number]['delta'],
  finish: 'stop' | 'tool_calls' | null = null,
) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] }) satisfies ChatCompletionChunk;

function translate(chunks: ChatCompletionChunk[]) {
  const translator = new ChatChunksToResponseEvents(
    newResponse({ model: 'm' }, { id: 'resp_1', model: 'm', store: true }),
  );
  const events = [
    ...translator.start(),
    ...chunks.flatMap((c) => translator.push(c)),
    ...translator.finish(),
  ];
  return { events, response: translator.snapshot() };
}

describe('chat chunks to Responses API events', () => {
  it('gives text, a refusal, a tool call and text again their own parts and items, in order', () => {
    const { events, response } = translate([
      delta({ role: 'assistant', content: '' }),
      delta({ content: 'Hel' }),
      delta({ content: 'lo' }),
      delta({ refusal: 'No.' }),
      delta({
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"ci' } },
        ],
      }),
      delta({ tool_calls: [{ index: 0, function: { arguments: 'ty":"P"}' } }] }),
      delta({ content: 'After' }, 'tool_calls'),
      { ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } },
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_e, i) => i));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(response.output).toMatchObject([
      {
        type: 'message',
        status: 'completed',
        content: [
          { type: 'output_text', text: 'Hello' },
          { type: 'refusal', refusal: 'No.' },
        ],
      },
      {
        type: 'function_call',
        call_id: 'call_1',
        name: 'weather',
        arguments: '{"city":"P"}',
        status: 'completed',
      },
      { type: 'message', content: [{ type: 'output_text', text: 'After' }] },
    ]);
    expect(response.usage).toEqual({
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 12,
    });
    expect(response.status).toBe('completed');
  });

  it('ends a failed stream with its open items incomplete, an error event and response.failed', () => {
    const translator = new ChatChunksToResponseEvents(
      newResponse({ model: 'm' }, { id: 'resp_2', model: 'm', store: false }),
    );
    translator.start();
    translator.push(delta({ content: 'Half' }));
    const closing = translator.fail({ code: 'upstream_error', message: 'failed mid-stream' }, undefined);
    expect(closing.map((e) => e.type)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'error',
      'response.failed',
    ]);
    expect(translator.snapshot()).toMatchObject({
      status: 'failed',
      error: { code: 'upstream_error' },
      output: [{ status: 'incomplete', content: [{ text: 'Half' }] }],
    });
  });
});
