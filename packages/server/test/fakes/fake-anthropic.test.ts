import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedAnthropicUsage } from './anthropic-answer.js';
import { type FakeAnthropic, startFakeAnthropic } from './fake-anthropic.js';

describe('fake-anthropic driven by the official @anthropic-ai/sdk client', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic({ chunks: 3 });
    client = new Anthropic({ apiKey: fake.apiKey!, baseURL: fake.baseURL, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const request = {
    model: 'claude-sonnet-4-6',
    max_tokens: 256,
    system: 'Be brief.',
    messages: [{ role: 'user' as const, content: 'Hello there, model!' }],
  };

  it('answers a non-streaming message with deterministic text and exact usage', async () => {
    const message = await client.messages.create(request);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'word1 word2 word3' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      // 9 + 19 characters -> ceil(28 / 4) = 7 input tokens; 3 words -> 3 output tokens.
      usage: { input_tokens: 7, output_tokens: 3 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(expectedAnthropicUsage(request, { chunks: 3 })).toEqual({ input_tokens: 7, output_tokens: 3 });
    expect(fake.requests[0]?.headers.authorization ?? fake.requests[0]?.headers['x-api-key']).toContain(
      fake.apiKey!,
    );
    expect(fake.requests[0]?.headers['anthropic-version']).toBeTruthy();
  });

  it('streams via messages.stream(): text deltas and final usage from message_delta', async () => {
    fake.script({ chunks: 5, chunkDelayMs: 2 });
    const stream = client.messages.stream(request);
    const deltas: string[] = [];
    const events: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(deltas).toEqual(['word1', ' word2', ' word3', ' word4', ' word5']);
    expect(final.content).toEqual([{ type: 'text', text: 'word1 word2 word3 word4 word5' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 7, output_tokens: 5 });
    // The SDK drops `ping` events; the raw wire order is asserted below.
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('sends the exact SSE event sequence on the wire', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}`, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...request, stream: true }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = (await response.text()).trim().split('\n\n');
    const parsed = frames.map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return { event: eventLine?.replace('event: ', ''), data: JSON.parse(dataLine!.replace('data: ', '')) };
    });
    expect(parsed.map((f) => f.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(parsed.every((f) => f.data.type === f.event)).toBe(true);
    expect(parsed[0]?.data.message).toMatchObject({
      content: [],
      stop_reason: null,
      usage: { input_tokens: 7, output_tokens: 1 },
    });
    expect(parsed[3]?.data).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'word1' },
    });
    expect(parsed[7]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it('cuts the answer at max_tokens', async () => {
    const message = await client.messages.create({ ...request, max_tokens: 2 });
    expect(message.content).toEqual([{ type: 'text', text: 'word1 word2' }]);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(2);
  });

  const tools: Anthropic.Tool[] = [
    { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
  ];

  it('answers with a scripted tool_use block', async () => {
    fake.script({ toolCall: { name: 'get_weather', arguments: { city: 'Oslo' } } });
    const message = await client.messages.create({ ...request, tools });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { city: 'Oslo' },
      },
    ]);
    // '{"city":"Oslo"}' is 15 characters -> 4 output tokens.
    expect(message.usage.output_tokens).toBe(4);
  });

  it('streams a tool_use block as input_json_delta events', async () => {
    fake.script({ toolCall: { name: 'get_weather', arguments: { city: 'Oslo' }, id: 'toolu_fixed' } });
    const stream = client.messages.stream({ ...request, tools });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const final = await stream.finalMessage();
    expect(partials.join('')).toBe('{"city":"Oslo"}');
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      { type: 'tool_use', id: 'toolu_fixed', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
  });

  it('accepts the older x-api-key header', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': fake.apiKey!,
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify(request),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ usage: { input_tokens: 7, output_tokens: 3 } });
  });

  it('rejects a wrong key with 401 in Anthropic error shape', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.baseURL, maxRetries: 0 });
    const error = await wrong.messages.create(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
  });

  it('honours 529 overloaded with retry-after: the client retries and succeeds', async () => {
    const retrying = new Anthropic({ apiKey: fake.apiKey!, baseURL: fake.baseURL, maxRetries: 2 });
    fake.script({ status: 529, retryAfter: 0.02 });
    const message = await retrying.messages.create(request);
    expect(message.content).toEqual([{ type: 'text', text: 'word1 word2 word3' }]);
    expect(fake.stats.requests).toBe(2);
  });

  it('throws in the client when the stream dies mid-way', async () => {
    fake.script({ chunks: 5, failAfterChunks: 2 });
    const stream = client.messages.stream(request);
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(deltas).toEqual(['word1', ' word2']);
    expect(fake.stats.aborted).toBe(0);
  });

  it('counts a client abort mid-stream', async () => {
    fake.script({ chunks: 50, chunkDelayMs: 20 });
    const stream = client.messages.stream(request);
    let deltas = 0;
    stream.on('text', () => {
      if (++deltas === 2) stream.abort();
    });
    await expect(stream.finalMessage()).rejects.toThrow();
    await fake.waitForAbort();
    expect(fake.stats.aborted).toBe(1);
    expect(fake.requests[0]?.aborted).toBe(true);
  });

  it('counts tokens', async () => {
    const counted = await client.messages.countTokens({
      model: request.model,
      system: request.system,
      messages: request.messages,
    });
    expect(counted.input_tokens).toBe(7);
  });
});
