import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';

describe('the list of OAuth sign-in providers (for sign-in buttons)', () => {
  let t: TestHub;
  let none: TestHub;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oauth-list-')), 'hub.json');
    writeFileSync(
      file,
      JSON.stringify({
        oauthProviders: [
          { type: 'github', clientId: 'gh-client', clientSecret: 'gh-secret-value' },
          { type: 'oidc', id: 'acme', issuer: 'https://idp.acme.example', clientId: 'acme-client' },
        ],
      }),
    );
    t = await createTestHub({ env: { HUB_CONFIG: file } });
    none = await createTestHub();
  });
  afterAll(async () => {
    await t?.close();
    await none?.close();
  });

  it('names each configured provider and its kind to anyone, and never a client id or secret', async () => {
    const res = await t.app.inject({ url: '/api/v1/auth/oauth' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: [
        { id: 'github', type: 'github' },
        { id: 'acme', type: 'oidc' },
      ],
    });
    expect(res.body).not.toMatch(/gh-client|gh-secret|acme-client|idp\.acme/);
  });

  it('is empty when none is configured', async () => {
    expect((await none.app.inject({ url: '/api/v1/auth/oauth' })).json()).toEqual({ data: [] });
  });
});
