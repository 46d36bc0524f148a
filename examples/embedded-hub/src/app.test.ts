import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';

describe('the hub embedded in a host app', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-hub-'));
    app = await buildApp({
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      DATABASE_URL: join(dir, 'hub.db'),
      HUB_DATA_DIR: dir,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app?.close());

  async function signUp(email: string): Promise<string> {
    const res = await fetch(`${base}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  it('lets the host session call the hub with the official openai client, metered by the custom provider', async () => {
    const cookie = await signUp('ada@example.com');
    const openai = new OpenAI({ baseURL: `${base}/ai/v1`, apiKey: 'unused', defaultHeaders: { cookie } });

    const stream = await openai.chat.completions.create({
      model: 'shouty',
      stream: true,
      messages: [{ role: 'user', content: 'hello from the host' }],
    });
    let text = '';
    let cost: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      cost ??= (chunk as unknown as { hub?: { cost: number } }).hub?.cost;
    }
    expect(text).toBe('HELLO FROM THE HOST');
    // 1 input token at 10 credits/M + 4 output tokens at 100 credits/M: 0.00041 credits, exact
    // to the micro-credit (it rounded up to 0.0005 when a credit had 4 decimals).
    expect(cost).toBe(0.00041);

    const credits = await fetch(`${base}/ai/api/v1/credits`, { headers: { cookie } });
    expect(await credits.json()).toEqual({ balance: 4.99959, held: 0, available: 4.99959 });
  });

  it('keeps the host routes and refuses the hub to strangers', async () => {
    const cookie = await signUp('bob@example.com');
    const who = await fetch(`${base}/whoami`, { headers: { cookie } });
    expect((await who.json()).user.email).toBe('bob@example.com');
    const anonymous = await fetch(`${base}/ai/api/v1/credits`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('unauthorized');
  });

  it('grants the welcome credits once per host user', async () => {
    const cookie = await signUp('cy@example.com');
    const res = await fetch(`${base}/ai/api/v1/credits/transactions`, { headers: { cookie } });
    const page = (await res.json()) as { data: Array<{ kind: string; amount: number }> };
    expect(page.data).toEqual([expect.objectContaining({ kind: 'grant', amount: 5 })]);
  });
});
