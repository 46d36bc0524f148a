import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOidc, startFakeOidc } from './fake-oidc.js';

describe('fake-oidc driven by openid-client v6', () => {
  let fake: FakeOidc;
  let config: oidc.Configuration;
  const redirectUri = 'http://127.0.0.1:9/auth/callback';

  beforeAll(async () => {
    fake = await startFakeOidc({
      clients: [{ clientId: 'hub', clientSecret: 's3cr3t+/=', redirectUris: [redirectUri] }],
    });
    config = await oidc.discovery(new URL(fake.issuer), fake.clientId, fake.clientSecret!, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
  });
  afterAll(() => fake.close());

  /** Runs /authorize like a browser would and returns the callback URL the provider redirected to. */
  async function authorize(params: Record<string, string>): Promise<URL> {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      ...params,
    });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location')!);
  }

  async function pkce() {
    const verifier = oidc.randomPKCECodeVerifier();
    return { verifier, challenge: await oidc.calculatePKCECodeChallenge(verifier) };
  }

  it('discovers the provider metadata', () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(fake.issuer);
    expect(metadata.token_endpoint).toBe(`${fake.issuer}/token`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('runs the authorization code flow with PKCE, nonce and state (client_secret_post)', async () => {
    fake.setUser({ sub: 'u-123', email: 'ada@example.com', email_verified: true, name: 'Ada' });
    const { verifier, challenge } = await pkce();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const callback = await authorize({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.token_type).toBe('bearer');
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: fake.issuer,
      aud: 'hub',
      sub: 'u-123',
      email: 'ada@example.com',
      email_verified: true,
      nonce,
    });
    expect(claims.exp - claims.iat).toBe(3600);
    const tokenRequest = fake.requests.find((r) => r.path === '/token');
    expect(tokenRequest?.body).toMatchObject({
      client_id: 'hub',
      client_secret: 's3cr3t+/=',
      code_verifier: verifier,
    });

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, 'u-123');
    expect(userinfo).toMatchObject({ sub: 'u-123', email: 'ada@example.com', name: 'Ada' });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()?.sub).toBe('u-123');
  });

  it('accepts client_secret_basic with form-url-encoded credentials', async () => {
    const basic = await oidc.discovery(
      new URL(fake.issuer),
      fake.clientId,
      undefined,
      oidc.ClientSecretBasic(fake.clientSecret!),
      { execute: [oidc.allowInsecureRequests] },
    );
    const { verifier, challenge } = await pkce();
    const state = oidc.randomState();
    const callback = await authorize({ code_challenge: challenge, code_challenge_method: 'S256', state });
    const tokens = await oidc.authorizationCodeGrant(basic, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.aud).toBe('hub');
    const tokenRequest = fake.requests.filter((r) => r.path === '/token').at(-1);
    expect(tokenRequest?.headers.authorization).toMatch(/^Basic /);
    expect(tokenRequest?.body).not.toHaveProperty('client_secret');
  });

  it('refuses a wrong or missing PKCE verifier with invalid_grant, and a reused code', async () => {
    const { verifier, challenge } = await pkce();
    const state = oidc.randomState();
    const callback = await authorize({ code_challenge: challenge, code_challenge_method: 'S256', state });
    const wrong = oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      expectedState: state,
    });
    await expect(wrong).rejects.toMatchObject({ error: 'invalid_grant' });
    // The code was consumed by the failed attempt: even the right verifier cannot use it now.
    await expect(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });

    const again = await pkce();
    const state2 = oidc.randomState();
    const callback2 = await authorize({
      code_challenge: again.challenge,
      code_challenge_method: 'S256',
      state: state2,
    });
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback2.searchParams.get('code')!,
      redirect_uri: redirectUri,
      client_id: 'hub',
      client_secret: fake.clientSecret!,
    });
    const missing = await fetch(`${fake.issuer}/token`, { method: 'POST', body: form });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses authorization requests without PKCE, and unregistered redirect URIs', async () => {
    const state = oidc.randomState();
    const noPkce = await authorize({ state });
    expect(noPkce.searchParams.get('error')).toBe('invalid_request');
    expect(noPkce.searchParams.get('state')).toBe(state);

    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'https://evil.example/cb',
      scope: 'openid',
      code_challenge: (await pkce()).challenge,
      code_challenge_method: 'S256',
    });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('reports a denied authorization as an OAuth error on the callback', async () => {
    fake.denyNextAuthorization();
    const { verifier, challenge } = await pkce();
    const state = oidc.randomState();
    const callback = await authorize({ code_challenge: challenge, code_challenge_method: 'S256', state });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    await expect(
      oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
    ).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('mints host-product tokens that verify against /jwks, and forged ones that do not', async () => {
    const jwks = createRemoteJWKSet(new URL(fake.jwksUri));
    const token = await fake.mintAccessToken({
      sub: 'host-user-9',
      email: 'h@example.com',
      aud: 'smart-ai-hub',
    });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: fake.issuer,
      audience: 'smart-ai-hub',
    });
    expect(payload).toMatchObject({ sub: 'host-user-9', email: 'h@example.com', iss: fake.issuer });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: fake.publicJwk.kid });

    const forged = await fake.mintAccessToken(
      { sub: 'host-user-9', aud: 'smart-ai-hub' },
      { signWith: 'foreign' },
    );
    await expect(jwtVerify(forged, jwks, { issuer: fake.issuer })).rejects.toBeInstanceOf(
      joseErrors.JWSSignatureVerificationFailed,
    );
    const expired = await fake.mintAccessToken({ sub: 'x', exp: Math.floor(Date.now() / 1000) - 60 });
    await expect(jwtVerify(expired, jwks)).rejects.toBeInstanceOf(joseErrors.JWTExpired);

    const me = await fetch(`${fake.issuer}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ sub: 'host-user-9' });
    const refused = await fetch(`${fake.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(refused.status).toBe(401);
  });

  it('also works as a GitHub-like OAuth 2.0 server (no id_token, form-encoded token response)', async () => {
    fake.setUser({
      sub: '4242',
      email: 'octo@example.com',
      email_verified: true,
      name: 'Octo',
      login: 'octocat',
    });
    const { verifier, challenge } = await pkce();
    const authorizeUrl = new URL(`${fake.issuer}/login/oauth/authorize`);
    authorizeUrl.search = new URLSearchParams({
      client_id: 'hub',
      redirect_uri: redirectUri,
      scope: 'read:user user:email',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const tokenResponse = await fetch(`${fake.issuer}/login/oauth/access_token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: 'hub',
        client_secret: fake.clientSecret!,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    const tokens = new URLSearchParams(await tokenResponse.text());
    expect(tokens.get('token_type')).toBe('Bearer');
    expect(tokens.has('id_token')).toBe(false);
    const user = await fetch(`${fake.issuer}/user`, {
      headers: { authorization: `token ${tokens.get('access_token')}` },
    });
    expect(await user.json()).toEqual({
      id: 4242,
      login: 'octocat',
      name: 'Octo',
      email: 'octo@example.com',
    });
    const emails = await fetch(`${fake.issuer}/user/emails`, {
      headers: { authorization: `Bearer ${tokens.get('access_token')}` },
    });
    expect(await emails.json()).toEqual([
      { email: 'octo@example.com', primary: true, verified: true, visibility: 'private' },
    ]);
  });
});
