import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../test/support/scripted-server.js';
import { HubClient } from '../client/hub-client.js';
import { InsufficientCreditsError } from '../core/errors.js';

let server: Awaited<ReturnType<typeof startScriptedServer>>;
afterEach(() => server?.close());

const chat = { model: 'mock', messages: [{ role: 'user' as const, content: 'hi' }] };
const chunk = (delta: object, extra: object = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'mock', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const last = `data: ${JSON.stringify({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'mock',
  choices: [],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  hub: { cost: 0.0012, balance: 9.9988, requestId: 'req-1' },
})}\n\n`;

const client = () => new HubClient({ baseURL: server.url, apiKey: 'sk-hub-test', maxRetries: 0 });

describe('chat completion streams', () => {
  it('yields chunks until [DONE] and asks the hub for usage', async () => {
    server = await startScriptedServer([
      {
        sse: [
          chunk({ role: 'assistant', content: 'Hel' }),
          chunk({ content: 'lo' }),
          last,
          'data: [DONE]\n\n',
        ],
      },
    ]);
    const stream = await client().chat.completions.create({ ...chat, stream: true });
    const texts = [];
    for await (const c of stream) texts.push(c.choices[0]?.delta.content ?? '|');
    expect(texts).toEqual(['Hel', 'lo', '|']);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(server.requests[0]!.headers.accept).toBe('text/event-stream');
  });

  it('assembles the final message with usage and the hub charge', async () => {
    server = await startScriptedServer([
      {
        sse: [
          chunk({ role: 'assistant', content: 'It ' }),
          chunk({
            content: 'is.',
            tool_calls: [
              { index: 0, id: 't1', type: 'function', function: { name: 'now', arguments: '{"tz":' } },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"UTC"}' } }] }),
          last,
          'data: [DONE]\n\n',
        ],
      },
    ]);
    const stream = client().chat.completions.stream(chat);
    const deltas = [];
    for await (const text of stream.textDeltas()) deltas.push(text);
    expect(deltas).toEqual(['It ', 'is.']);
    const final = await stream.finalMessage();
    expect(final).toMatchObject({
      id: 'c1',
      message: {
        role: 'assistant',
        content: 'It is.',
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'now', arguments: '{"tz":"UTC"}' } }],
      },
      usage: { total_tokens: 5 },
      hub: { cost: 0.0012, balance: 9.9988, requestId: 'req-1' },
    });
  });

  it('finalMessage() alone reads the whole stream', async () => {
    server = await startScriptedServer([
      { sse: [chunk({ content: 'a' }), chunk({ content: 'b' }), last, 'data: [DONE]\n\n'] },
    ]);
    const final = await client().chat.completions.stream(chat).finalMessage();
    expect(final.message.content).toBe('ab');
    expect(final.hub?.cost).toBe(0.0012);
  });

  it('aborts the HTTP request when the loop breaks', async () => {
    server = await startScriptedServer([
      { sse: [chunk({ content: 'a' }), chunk({ content: 'b' })], keepOpen: true },
    ]);
    const stream = await client().chat.completions.create({ ...chat, stream: true });
    for await (const _ of stream) break;
    while (server.aborted.count === 0) await new Promise((r) => setTimeout(r, 5));
    expect(server.aborted.count).toBe(1);
  });

  it('throws a mid-stream error event as its error class', async () => {
    const error = {
      error: {
        code: 'insufficient_credits',
        message: 'Out of credits',
        requestId: 'r',
        details: { required: 2, available: 1 },
      },
    };
    server = await startScriptedServer([
      { sse: [chunk({ content: 'a' }), `data: ${JSON.stringify(error)}\n\n`] },
    ]);
    const stream = client().chat.completions.stream(chat);
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const text of stream.textDeltas()) seen.push(text);
    })().catch((e) => e);
    expect(seen).toEqual(['a']);
    expect(failure).toBeInstanceOf(InsufficientCreditsError);
    expect(failure).toMatchObject({ status: 402, required: 2, available: 1 });
    await expect(stream.finalMessage()).rejects.toBe(failure);
  });
});
