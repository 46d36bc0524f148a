import { z } from 'zod';
import { isAddressAllowList } from '../outbound/address-policy.js';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const url = (protocols: string[]) =>
  optionalString.refine(
    (v) => v === undefined || protocols.some((p) => v.startsWith(`${p}:`)),
    `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  );
const positiveInt = z.coerce.number().int().positive();

/**
 * Every environment variable the hub reads, with its default. Keys are the variables' names, so a
 * validation error names the variable to fix. Documented in the README's configuration table.
 */
export const envSchema = z.object({
  /**
   * `production` by default, for `serve` and the image alike. `test` only makes password hashing
   * cheap and skips the generated admin; no mode ever logs a token (see HUB_DEV_MAIL).
   */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: port.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).default('./data/hub.db'),
  /**
   * SQLite commit durability: `normal` (default; WAL commits survive a process crash, payments and
   * grants are always synced to disk) or `full` (every commit synced: ~4 ms each, far slower metering).
   */
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  POSTGRES_SYNCHRONOUS_COMMIT: z.enum(['off', 'on']).default('off'),
  /**
   * `on`: the hot path's fixed statements run as named prepared statements (parsed and planned
   * once per pooled connection); `off` behind a pooler that cannot keep them (PgBouncer in
   * transaction mode before 1.21, or without `max_prepared_statements`).
   */
  POSTGRES_PREPARED_STATEMENTS: z.enum(['on', 'off']).default('on'),
  /** Pool size for PostgreSQL. */
  DATABASE_POOL_SIZE: positiveInt.default(10),
  REDIS_URL: url(['redis', 'rediss']),
  /** Prefix for every Redis key and channel, so several hubs can share one Redis. */
  REDIS_KEY_PREFIX: z.string().default('hub:'),
  HUB_CONFIG: optionalString,
  HUB_SECRET: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters',
  ),
  HUB_DATA_DIR: z.string().default('./data'),
  HUB_ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  HUB_ADMIN_PASSWORD: optionalString,
  PUBLIC_URL: url(['http', 'https']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `on` (default): Prometheus metrics at `/metrics`; `off`: none recorded, none served. */
  HUB_METRICS: z.enum(['on', 'off']).default('on'),
  /** When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalString.refine(
    (v) => v === undefined || v.length >= 16,
    'must be at least 16 characters',
  ),
  /** OpenTelemetry traces over OTLP/HTTP to this collector (`<endpoint>/v1/traces`); unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https']),
  /** The `service.name` of the hub's spans. */
  OTEL_SERVICE_NAME: z.string().min(1).default('smart-ai-hub'),
  /** Seconds to wait for in-flight requests on SIGTERM before closing anyway. */
  SHUTDOWN_TIMEOUT: positiveInt.default(25),
  /** Largest request body in bytes. */
  BODY_LIMIT: positiveInt.default(4 * 1024 * 1024),
  /**
   * Browser origins allowed to call the hub (CORS): a comma list such as
   * `https://app.example.com,http://localhost:5173`, or `*` for any origin. Unset: same origin only.
   */
  CORS_ORIGINS: optionalString,
  /** The web console at `/`: `on` (default) or `off` (an API-only hub). */
  HUB_CONSOLE: z.enum(['on', 'off']).default('on'),
  /** Trust X-Forwarded-* from a proxy in front: `true`, a hop count, or a comma list of addresses. */
  TRUST_PROXY: optionalString,

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url(['http', 'https']),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: url(['http', 'https']),

  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Stripe API address, for a local fake in tests (`http://127.0.0.1:12111`); default Stripe's own. */
  STRIPE_API_BASE: url(['http', 'https']),
  /** Seconds a signed Stripe webhook stays acceptable (replay window). */
  STRIPE_WEBHOOK_TOLERANCE: positiveInt.default(300),
  /** Balance in credits below which `credits.low` is emitted (once per crossing). */
  CREDITS_LOW_THRESHOLD: z.coerce.number().nonnegative().default(1),
  /** Seconds a credit hold lives before the sweeper releases it (a crashed request's hold). */
  HOLD_TTL: positiveInt.default(600),
  /** Seconds between sweeps of expired holds. */
  HOLD_SWEEP_INTERVAL: positiveInt.default(30),
  /**
   * `on` (default): `POST /v1/responses` keeps each response and its items for its owner (`store`,
   * default true) so `previous_response_id`, `item_reference` and `GET /v1/responses/{id}` work;
   * `off`: nothing is kept, `store` defaults to false and `store: true` is refused (400).
   */
  HUB_RESPONSES_STORE: z.enum(['on', 'off']).default('on'),
  /** Days a stored response and its items are kept; older ones are swept and answer 404. */
  HUB_RESPONSES_RETENTION_DAYS: positiveInt.default(30),

  /** Password hashing cost: `owasp` (scrypt N=2^17, r=8, p=1; default) or `test` (cheap, for test suites; the default when NODE_ENV=test). */
  HUB_PASSWORD_HASH_COST: z.enum(['owasp', 'test']).optional(),
  /** Lifetime of JWT access tokens, seconds. */
  HUB_ACCESS_TOKEN_TTL: positiveInt.default(900),
  /** Lifetime of a sign-in session (its refresh tokens), seconds. */
  HUB_SESSION_TTL: positiveInt.default(30 * 24 * 3600),
  /** Trust access tokens from the host product's own OIDC issuer (audience HUB_OIDC_AUDIENCE, default `smart-ai-hub`; JWKS from HUB_OIDC_JWKS_URL or the issuer's discovery). */
  HUB_OIDC_ISSUER: url(['http', 'https']),
  HUB_OIDC_AUDIENCE: optionalString,
  HUB_OIDC_JWKS_URL: url(['http', 'https']),
  /** Where the browser lands after an OAuth sign-in (tokens in the URL fragment); unset: the callback answers JSON. */
  HUB_OAUTH_REDIRECT_URL: url(['http', 'https']),
  SMTP_URL: url(['smtp', 'smtps']),
  /**
   * Development only: `log` prints every email whole, its live verification and reset links
   * included, to the log instead of sending it, under a `DEV MAIL SINK: not for production` line.
   * Unset: mail goes through SMTP_URL, or nowhere (and no link is ever logged). Not with SMTP_URL.
   */
  HUB_DEV_MAIL: z.enum(['log']).optional(),
  SMTP_FROM: z.string().default('Smart AI Hub <no-reply@localhost>'),

  /** Days an audit record is kept (the oldest are pruned hourly; the chain still verifies); 0 keeps them forever. */
  HUB_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).default(365),
  /**
   * Private, loopback or link-local addresses that URLs set at runtime (webhook endpoints, provider
   * and MCP base URLs) may reach: `*`, or a comma list of addresses and CIDR ranges
   * (`127.0.0.1,10.0.0.0/8`). Unset: public addresses only.
   */
  HUB_ALLOW_PRIVATE_URLS: optionalString.refine(
    (v) => v === undefined || isAddressAllowList(v),
    'must be * or a comma list of IP addresses and CIDR ranges (127.0.0.1,10.0.0.0/8)',
  ),
  /** Seconds a webhook delivery attempt may take (connect, answer and the start of its body). */
  HUB_WEBHOOK_TIMEOUT: z.coerce.number().positive().max(300).default(10),
  /** Seconds before a webhook delivery's first retry; each next waits 4 times longer, at most 8 hours. */
  HUB_WEBHOOK_FIRST_RETRY: z.coerce.number().positive().default(5),
  /** Seconds a webhook delivery is retried before it is marked failed. */
  HUB_WEBHOOK_RETRY_WINDOW: positiveInt.default(86_400),
});

export type Env = z.infer<typeof envSchema>;
