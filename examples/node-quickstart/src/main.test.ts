import { HubClient, InsufficientCreditsError } from '@smart-ai-hub/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../packages/server/test/support/auth-fixtures.js';
import { createTestHub, type TestHub } from '../../../packages/server/test/support/test-hub.js';
import { main } from './main.js';

describe('node quickstart against a real hub', () => {
  let t: TestHub & { url: string };
  let admin: HubClient;
  beforeAll(async () => {
    t = await createTestHub({ listen: true });
    admin = new HubClient({ baseURL: t.url, apiKey: (await createUser(t, { role: 'admin' })).apiKey });
  });
  afterAll(() => t?.close());

  it('signs in with email and password, streams the answer and prints the balance', async () => {
    const user = await createUser(t);
    await admin.admin.users.grantCredits(user.user.id, { amount: 2 });
    let out = '';
    const result = await main({
      baseURL: t.url,
      email: user.user.email,
      password: user.password,
      write: (s) => (out += s),
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.cost).toBeGreaterThan(0);
    expect(result.balance).toBeCloseTo(2 - result.cost!, 10);
    expect(out).toContain(`Signed in as ${user.user.email}`);
    expect(out).toContain(result.text);
    expect(out).toContain(`balance: ${result.balance} credits`);
  });

  it('works with an API key, and fails clearly without credits', async () => {
    const user = await createUser(t);
    await expect(main({ baseURL: t.url, apiKey: user.apiKey, write: () => {} })).rejects.toBeInstanceOf(
      InsufficientCreditsError,
    );
    await admin.admin.users.grantCredits(user.user.id, { amount: 1 });
    const result = await main({ baseURL: t.url, apiKey: user.apiKey, write: () => {} });
    expect(result.balance).toBeCloseTo(1 - result.cost!, 10);
  });
});
