import { describe, expect, it } from 'vitest';
import { createUser } from '../../../../test/support/auth-fixtures.js';
import { createTestHub } from '../../../../test/support/test-hub.js';

describe('a fresh install', () => {
  it('answers with the keyless mock models, streamed and not', async () => {
    const t = await createTestHub();
    try {
      const { user, headers } = await createUser(t);
      await t.hub.services.credits.grant({ userId: user.id, amount: 100_000, idempotencyKey: 'fresh' });
      const models = await t.app.inject({ url: '/v1/models', headers });
      expect(models.json().data.map((m: { id: string }) => m.id)).toEqual(['mock-small', 'mock-large']);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers,
        payload: { model: 'mock', max_tokens: 3, messages: [{ role: 'user', content: 'hello' }] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().choices[0].message.content).toBe('This is a');
      expect(res.json().usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
      const stream = await t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers,
        payload: {
          model: 'mock-small',
          stream: true,
          max_tokens: 2,
          messages: [{ role: 'user', content: 'hi' }],
        },
      });
      expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
      const frames = stream.body.split('\n\n').filter(Boolean);
      expect(frames.at(-1)).toBe('data: [DONE]');
      const last = JSON.parse(frames.at(-2)!.slice('data: '.length));
      expect(last.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
      expect(last.hub.requestId).toBe(stream.headers['x-request-id']);
    } finally {
      await t.close();
    }
  });
});
