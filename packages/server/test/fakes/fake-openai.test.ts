import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai.js';
import { expectedOpenAIUsage } from './openai-answer.js';

describe('fake-openai driven by the official openai client', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ chunks: 4 });
    client = new OpenAI({ apiKey: fake.apiKey!, baseURL: fake.baseURL, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Say something, please.' },
  ];

  it('answers a non-streaming completion with deterministic content and exact usage', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0]?.message.content).toBe('word1 word2 word3 word4');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    // 14 + 22 characters -> ceil(36 / 4) = 9 prompt tokens; 4 words -> 4 completion tokens.
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    expect(expectedOpenAIUsage({ messages }, { chunks: 4 })).toEqual({
      prompt_tokens: 9,
      completion_tokens: 4,
      total_tokens: 13,
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(fake.requests[0]?.body).toMatchObject({ model: 'gpt-4o-mini', messages });
  });

  it('cuts the answer at max_completion_tokens with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      max_completion_tokens: 2,
    });
    expect(completion.choices[0]?.message.content).toBe('word1 word2');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(2);
  });

  it('streams chunks and a final usage chunk with choices: [] when include_usage is set', async () => {
    fake.script({ chunks: 6, chunkDelayMs: 2 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('word1 word2 word3 word4 word5 word6');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    // role chunk + 6 content chunks + finish chunk + usage chunk
    expect(chunks).toHaveLength(9);
  });

  it('streams without a usage chunk when include_usage is not set', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('word1 word2 word3 word4');
  });

  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
  ];

  it('answers with a scripted tool call', async () => {
    fake.script({ toolCall: { name: 'get_weather', arguments: { city: 'Paris' } } });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' && call.function).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expect(call?.id).toMatch(/^call_/);
    // '{"city":"Paris"}' is 16 characters -> 4 completion tokens.
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it('streams tool-call deltas that the client accumulates into the final completion', async () => {
    fake.script({ toolCall: { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_fixed' } });
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages,
      tools,
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual([
      {
        id: 'call_fixed',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
    ]);
    expect(final.usage?.completion_tokens).toBe(4);
  });

  it('ignores a scripted tool call when the request offers no tools', async () => {
    fake.script({ toolCall: { name: 'get_weather', arguments: {} } });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(completion.choices[0]?.message.content).toBe('word1 word2 word3 word4');
  });

  it('answers 429 with retry-after; the client retries and then succeeds', async () => {
    const retrying = new OpenAI({ apiKey: fake.apiKey!, baseURL: fake.baseURL, maxRetries: 2 });
    fake.script({ status: 429, retryAfter: 0.05 });
    const started = Date.now();
    const completion = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0]?.message.content).toBe('word1 word2 word3 word4');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(fake.stats.requests).toBe(2);
    expect(fake.requests[1]?.headers['x-stainless-retry-count']).toBe('1');
  });

  it('surfaces scripted errors in OpenAI error shape', async () => {
    fake.script({ status: 500 });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'server_error',
      code: null,
    });
  });

  it('rejects a wrong key with 401 in OpenAI error shape', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key', baseURL: fake.baseURL, maxRetries: 0 });
    const error = await wrong.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
  });

  it('throws in the client when the stream dies mid-way', async () => {
    fake.script({ chunks: 5, failAfterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const received: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(consume()).rejects.toThrow();
    expect(received.join('')).toBe('word1 word2');
    expect(fake.stats.aborted).toBe(0);
  });

  it('counts a client abort after two chunks', async () => {
    fake.script({ chunks: 50, chunkDelayMs: 20 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let contentChunks = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) contentChunks++;
      if (contentChunks === 2) break; // `break` aborts the request in the official client
    }
    const aborted = await fake.waitForAbort();
    expect(fake.stats.aborted).toBe(1);
    expect(aborted.aborted).toBe(true);
    expect(aborted.path).toBe('/v1/chat/completions');
  });

  it('sends hangAfterChunks chunks, then holds the stream open until the client leaves', async () => {
    // Without a delay an unscripted answer goes out in one write, ended: only a held-open
    // stream can be aborted by the client.
    fake.script({ chunks: 50, hangAfterChunks: 3 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === 'word1 word2 word3') break;
    }
    expect(text).toBe('word1 word2 word3');
    await fake.waitForAbort();
    expect(fake.stats.aborted).toBe(1);
  });

  it('counts a client that times out while the fake hangs before the first byte', async () => {
    fake.script({ hangBeforeFirstByteMs: 2_000 });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages }, { timeout: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await fake.waitForAbort();
    expect(fake.stats.aborted).toBe(1);
  });

  it('returns embeddings (base64 by default in the client, floats on request) with usage', async () => {
    const viaBase64 = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['hello', 'world!!!'],
      dimensions: 8,
    });
    expect(fake.requests[0]?.body).toMatchObject({ encoding_format: 'base64' });
    expect(viaBase64.data).toHaveLength(2);
    expect(viaBase64.data[0]?.embedding).toHaveLength(8);
    // ceil(5/4) + ceil(8/4) = 2 + 2
    expect(viaBase64.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const viaFloat = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['hello', 'world!!!'],
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(viaFloat.data[0]?.embedding).toEqual(viaBase64.data[0]?.embedding);
    expect(viaFloat.data[0]?.embedding).not.toEqual(viaFloat.data[1]?.embedding);
    const norm = Math.hypot(...viaFloat.data[0]!.embedding);
    expect(norm).toBeCloseTo(1, 5);
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
    await expect(client.models.retrieve('gpt-4o')).resolves.toMatchObject({ id: 'gpt-4o', object: 'model' });
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
