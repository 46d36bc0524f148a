import { testDialects } from '@smart-ai-hub/adapters/testing';
import type { WsServerMessage } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FakeOpenAI, startFakeOpenAI } from '../../../../test/fakes/fake-openai.js';
import { contentText } from '../../../../test/fakes/index.js';
import { expectedOpenAIUsage } from '../../../../test/fakes/openai-answer.js';
import { createUser, type TestUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../../test/support/test-hub.js';
import { hubOutputCount } from '../../../../test/support/token-oracle.js';
import { creditsToUnits } from '../../credits/money.js';

/** A client socket that buffers server frames so tests can await the next one of a kind. */
async function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const frames: WsServerMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString()));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let read = 0;
  async function next<T extends WsServerMessage['type']>(
    type: T,
  ): Promise<Extract<WsServerMessage, { type: T }>> {
    for (;;) {
      while (read < frames.length) {
        const frame = frames[read++]!;
        if (frame.type === type) return frame as Extract<WsServerMessage, { type: T }>;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return {
    socket,
    frames,
    next,
    closed,
    send: (message: unknown) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
  };
}

const messages = [{ role: 'user', content: 'Tell me a story' }];

for (const dialect of await testDialects()) {
  const coordination = dialect === 'sqlite' ? 'memory' : 'redis';
  describe(`WebSocket /api/v1/ws (${dialect} + ${coordination})`, () => {
    let fake: FakeOpenAI;
    let t: TestHub & { url: string };
    let user: TestUser;
    let wsUrl: string;

    beforeAll(async () => {
      fake = await startFakeOpenAI();
      t = await createTestHub({
        dialect,
        coordination,
        listen: true,
        env: { OPENAI_API_KEY: 'sk-fake-openai', OPENAI_BASE_URL: fake.baseURL },
      });
      user = await createUser(t);
      await t.hub.services.credits.grant({
        userId: user.user.id,
        amount: creditsToUnits(20),
        idempotencyKey: `g-${user.user.id}`,
      });
      wsUrl = `${t.url.replace('http', 'ws')}/api/v1/ws`;
    });
    afterAll(async () => {
      await t?.close();
      await fake?.close();
    });

    const balance = async () => (await t.hub.services.credits.balance(user.user.id)).balance;

    it('streams a chat with header auth and reports the exact charge', async () => {
      const c = await connect(wsUrl, { authorization: `Bearer ${user.apiKey}` });
      expect(await c.next('ready')).toEqual({ type: 'ready', userId: user.user.id });
      const before = await balance();
      c.send({ type: 'chat.start', id: 's1', request: { model: 'gpt-4o-mini', messages } });
      const done = await c.next('chat.done');
      const text = c.frames
        .filter((f) => f.type === 'chat.chunk')
        .map((f) => (f.type === 'chat.chunk' ? (f.chunk.choices[0]?.delta.content ?? '') : ''))
        .join('');
      expect(text).toBe('word1 word2 word3 word4 word5');
      const usage = expectedOpenAIUsage({ messages });
      expect(done).toMatchObject({
        id: 's1',
        reason: 'stop',
        charge: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens },
      });
      expect(before - (await balance())).toBe(creditsToUnits(done.charge.cost));
      c.socket.close();
    });

    it('authenticates by ?token= and by a first auth message; refuses without credentials', async () => {
      const byQuery = await connect(`${wsUrl}?token=${encodeURIComponent(user.accessToken)}`);
      expect((await byQuery.next('ready')).userId).toBe(user.user.id);
      byQuery.socket.close();

      const byMessage = await connect(wsUrl);
      byMessage.send({ type: 'chat.start', id: 'early', request: { model: 'gpt-4o-mini', messages } });
      expect(await byMessage.next('error')).toMatchObject({ id: 'early', error: { code: 'unauthorized' } });
      byMessage.send({ type: 'auth', token: user.apiKey });
      expect((await byMessage.next('ready')).userId).toBe(user.user.id);
      byMessage.socket.close();

      const wrong = await connect(wsUrl);
      wrong.send({ type: 'auth', token: 'sk-hub-wrong' });
      expect(await wrong.next('error')).toMatchObject({ error: { code: 'unauthorized' } });
      expect(await wrong.closed).toBe(4401);
    });

    it('answers bad frames with an error frame and keeps the socket', async () => {
      const c = await connect(wsUrl, { authorization: `Bearer ${user.apiKey}` });
      await c.next('ready');
      c.send('not json');
      expect((await c.next('error')).error).toMatchObject({
        code: 'validation_error',
        message: expect.stringContaining('not JSON'),
      });
      c.send({ type: 'chat.start', id: 'x' });
      expect((await c.next('error')).error.message).toContain('request');
      c.send({ type: 'chat.start', id: 'm', request: { model: 'nope', messages } });
      expect(await c.next('error')).toMatchObject({ id: 'm', error: { code: 'not_found' } });
      c.send({ type: 'ping' });
      expect(await c.next('pong')).toEqual({ type: 'pong' });
      c.socket.close();
    });

    it('refuses a chat.start exactly as POST /v1/chat/completions refuses its body, calling no upstream', async () => {
      const refused: Array<[string, Record<string, unknown>, string]> = [
        ['n: 8', { n: 8 }, 'n'],
        ['max_tokens: 0', { max_tokens: 0 }, 'max_tokens'],
        ['fractional max_completion_tokens', { max_completion_tokens: 1.5 }, 'max_completion_tokens'],
        ['no messages', { messages: [] }, 'messages'],
        ['a tool that is not a function', { tools: [{ type: 'retrieval' }] }, 'tools.0.type'],
        ['a 300-character user', { user: 'u'.repeat(300) }, 'user'],
      ];
      const c = await connect(wsUrl, { authorization: `Bearer ${user.apiKey}` });
      await c.next('ready');
      const before = await balance();
      const upstreamCalls = fake.stats.requests;
      for (const [name, change, field] of refused) {
        const body = { model: 'gpt-4o-mini', messages, ...change };
        const http = await t.app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          headers: { authorization: `Bearer ${user.apiKey}` },
          payload: body,
        });
        expect(http.statusCode, name).toBe(400);
        const httpError = http.json().error;
        expect(httpError.code, name).toBe('validation_error');
        expect(httpError.message, name).toContain(`body.${field}`);

        c.send({ type: 'chat.start', id: name, request: body });
        const frame = await c.next('error');
        expect(frame, name).toMatchObject({ id: name, error: { code: httpError.code } });
        // The same refusal: the same field and reason, under the frame's `request` instead of `body`.
        expect(frame.error.message, name).toBe(httpError.message.replaceAll('body.', 'request.'));
      }
      expect(fake.stats.requests).toBe(upstreamCalls);
      expect(await balance()).toBe(before);
      // And what both accept still runs on the socket.
      c.send({
        type: 'chat.start',
        id: 'fine',
        request: { model: 'gpt-4o-mini', messages, n: 1, max_tokens: 50 },
      });
      expect(await c.next('chat.done')).toMatchObject({ id: 'fine', reason: 'stop' });
      c.socket.close();
    });

    it('cancels mid-stream: the upstream is aborted and only what was delivered is charged', async () => {
      // The upstream produces 4 chunks, then waits for the cancel (however late it comes).
      fake.script({ chunks: 50, hangAfterChunks: 4 });
      const c = await connect(wsUrl, { authorization: `Bearer ${user.apiKey}` });
      await c.next('ready');
      const before = await balance();
      c.send({ type: 'chat.start', id: 'long', request: { model: 'gpt-4o-mini', messages } });
      for (let seen = 0; seen < 4; ) if ((await c.next('chat.chunk')).chunk.choices[0]?.delta.content) seen++;
      c.send({ type: 'chat.cancel', id: 'long' });
      const done = await c.next('chat.done');
      await fake.waitForAbort();
      expect(done.reason).toBe('cancelled');
      const delivered = c.frames.filter(
        (f) => f.type === 'chat.chunk' && f.chunk.choices[0]?.delta.content,
      ).length;
      expect(delivered).toBe(4);
      // No usage arrived: the hub counted the delivered text with its tokenizer.
      expect(done.charge.outputTokens).toBe(hubOutputCount(contentText(delivered)));
      expect(before - (await balance())).toBe(creditsToUnits(done.charge.cost));
      c.socket.close();
    });

    it('closing the socket aborts its streams', async () => {
      fake.script({ chunks: 50, hangAfterChunks: 1 });
      const aborted = fake.stats.aborted;
      const c = await connect(wsUrl, { authorization: `Bearer ${user.apiKey}` });
      await c.next('ready');
      c.send({ type: 'chat.start', id: 'gone', request: { model: 'gpt-4o-mini', messages } });
      await c.next('chat.chunk');
      c.socket.close();
      await fake.waitForAbort();
      expect(fake.stats.aborted).toBe(aborted + 1);
    });
  });
}
