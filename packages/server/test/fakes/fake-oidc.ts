import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK, JWTPayload } from 'jose';
import type { RecordedRequest } from './fake-exchange.js';
import type { FakeRequestHandler, FakeServerHandle } from './fake-http-server.js';
import { readBody, sendJson, splitUrl } from './http-io.js';
import { handleAuthorize } from './oidc-authorize.js';
import { createSigningKey, signJwt } from './oidc-keys.js';
import {
  discoveryDocument,
  type FakeOidcClient,
  type FakeOidcUser,
  type OidcProvider,
  sendOAuthError,
} from './oidc-provider.js';
import { handleToken } from './oidc-token.js';
import { handleUserinfo } from './oidc-userinfo.js';
import type { UpstreamState } from './upstream-controls.js';
import { startUpstreamFake } from './upstream-fake.js';

export type { FakeOidcClient, FakeOidcUser };

export interface FakeOidcOptions {
  /** Registered clients (default: one confidential client `test-client` / `test-secret`). */
  clients?: FakeOidcClient[];
  /** The user to auto-approve as (default `user-1`, `user@example.com`, verified). */
  user?: FakeOidcUser;
  /** Demand PKCE (S256) on every authorization request (default true). */
  requirePkce?: boolean;
  /** Access and ID token lifetime (default 3600 s). */
  tokenTtlSeconds?: number;
}

/** Options for {@link FakeOidc.mintAccessToken}. */
export interface MintOptions {
  /** Token lifetime when the claims carry no `exp` (default the provider's). */
  ttlSeconds?: number;
  /** `'foreign'` signs with a key the JWKS does not hold, under the provider's `kid`: a forgery. */
  signWith?: 'provider' | 'foreign';
  /** Header `kid` override (e.g. one the JWKS does not list). */
  kid?: string;
  /** Header `typ` (default `at+jwt`). */
  typ?: string;
}

/** A running OAuth 2.0 / OpenID Connect provider. */
export interface FakeOidc extends FakeServerHandle {
  /** The issuer identifier (= `url`); discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  jwksUri: string;
  /** The first registered client's credentials. */
  clientId: string;
  clientSecret: string | null;
  /** The provider's public signing key (also served at `/jwks`). */
  publicJwk: JWK;
  /** Requests received, oldest first (form bodies as plain objects). */
  readonly requests: RecordedRequest[];
  /** The user the next authorizations approve as. */
  setUser(user: FakeOidcUser): void;
  /** The next `/authorize` redirects back with `error` (default `access_denied`) instead of a code. */
  denyNextAuthorization(error?: string, description?: string): void;
  /**
   * Signs arbitrary claims with the provider's key (`iss` = issuer unless given) as a "host
   * product" token; `{ signWith: 'foreign' }` forges one with another key for tampering tests.
   */
  mintAccessToken(claims: JWTPayload, options?: MintOptions): Promise<string>;
}

const DEFAULT_USER: FakeOidcUser = {
  sub: 'user-1',
  email: 'user@example.com',
  email_verified: true,
  name: 'Test User',
};

/**
 * Starts an OpenID Connect provider: discovery, `/authorize` (auto-approves, PKCE S256),
 * `/token` (authorization_code and refresh_token grants, client_secret_basic or _post), RS256
 * ID tokens, `/userinfo`, `/jwks`. Without the `openid` scope it is a plain OAuth 2.0 server,
 * and GitHub's paths (`/login/oauth/authorize`, `/login/oauth/access_token`, `/user`,
 * `/user/emails`) are served too.
 */
export async function startFakeOidc(options: FakeOidcOptions = {}): Promise<FakeOidc> {
  const clients = options.clients ?? [{ clientId: 'test-client', clientSecret: 'test-secret' }];
  const ttl = options.tokenTtlSeconds ?? 3600;
  const state: OidcProvider = {
    issuer: '',
    clients,
    requirePkce: options.requirePkce ?? true,
    tokenTtlSeconds: ttl,
    key: await createSigningKey(`fake-oidc-${randomBytes(4).toString('hex')}`),
    user: options.user ?? DEFAULT_USER,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
  };
  return startUpstreamFake(
    { maxRecordedRequests: 1000 },
    (recorder) => oidcHandler(recorder, state),
    (url) => {
      state.issuer = url;
      const first = clients[0]!;
      return {
        issuer: url,
        jwksUri: `${url}/jwks`,
        clientId: first.clientId,
        clientSecret: first.clientSecret,
        publicJwk: state.key.publicJwk,
        setUser: (user: FakeOidcUser) => {
          state.user = user;
        },
        denyNextAuthorization: (error = 'access_denied', description?: string) => {
          state.deny = { error, ...(description ? { description } : {}) };
        },
        mintAccessToken: async (claims: JWTPayload, mint: MintOptions = {}) => {
          let key = state.key;
          if (mint.signWith === 'foreign') {
            state.foreignKey ??= await createSigningKey(state.key.kid);
            key = state.foreignKey;
          }
          return signJwt({ iss: url, ...claims }, key, {
            ttlSeconds: mint.ttlSeconds ?? ttl,
            typ: mint.typ ?? 'at+jwt',
            ...(mint.kid ? { kid: mint.kid } : {}),
          });
        },
      };
    },
  );
}

function oidcHandler(recorder: UpstreamState, provider: OidcProvider): FakeRequestHandler {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path, query } = splitUrl(req);
    const exchange = recorder.open(req, res, path);
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(req.method === 'POST' ? (await readBody(req)).toString('utf8') : '');
    } catch {
      return;
    }
    exchange.record.body = Object.fromEntries(req.method === 'POST' ? form : query);
    const github = path.startsWith('/login/');
    switch (`${req.method} ${path}`) {
      case 'GET /.well-known/openid-configuration':
      case 'GET /.well-known/oauth-authorization-server':
        return sendJson(res, 200, discoveryDocument(provider.issuer));
      case 'GET /jwks':
        return sendJson(res, 200, { keys: [provider.key.publicJwk] });
      case 'GET /authorize':
      case 'GET /login/oauth/authorize':
        return handleAuthorize(provider, res, query, github);
      case 'POST /token':
      case 'POST /login/oauth/access_token':
        return handleToken(provider, req, res, form, github);
      case 'GET /userinfo':
      case 'POST /userinfo':
      case 'GET /user':
      case 'GET /user/emails':
        return handleUserinfo(provider, req, res, path as '/userinfo' | '/user' | '/user/emails');
    }
    sendOAuthError(res, 404, 'not_found', `${req.method} ${path} is not served by the fake provider`);
  };
}
