import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The hub's database schema: one type for SQLite and PostgreSQL.
 *
 * Conventions, so that both dialects agree without per-dialect code:
 * - ids are text, time-ordered (`newId('usr')`);
 * - times are integer epoch milliseconds (`bigint` columns, read back as JS numbers);
 * - money is integer credit units (1 credit = 10,000 units), never floats;
 * - booleans are times (`disabled_at`), never 0/1 flags;
 * - JSON is stored as text and parsed by the domain that owns it.
 */
export interface Database {
  hub_settings: HubSettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  api_keys: ApiKeysTable;
  oauth_identities: OAuthIdentitiesTable;
  one_time_tokens: OneTimeTokensTable;
  credit_accounts: CreditAccountsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_postings: LedgerPostingsTable;
  credit_holds: CreditHoldsTable;
  idempotency_records: IdempotencyRecordsTable;
  payment_events: PaymentEventsTable;
  usage_logs: UsageLogsTable;
  credit_payments: CreditPaymentsTable;
  checkout_sessions: CheckoutSessionsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  responses: ResponsesTable;
  response_items: ResponseItemsTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_cursors: WebhookCursorsTable;
}

/** Installation-wide values shared by every replica (e.g. the generated master secret). */
export interface HubSettingsTable {
  key: string;
  value: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  /** Null for users who only sign in through OAuth or a host product. */
  password_hash: string | null;
  name: string | null;
  role: 'admin' | 'moderator' | 'user';
  email_verified_at: number | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A sign-in: one refresh-token family. Revoking it ends every token of the family. */
export interface SessionsTable {
  id: string;
  user_id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

/** One refresh token of a session; `rotated_at` is set when it is exchanged (reuse = theft). */
export interface RefreshTokensTable {
  id: string;
  session_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** The first characters of the key, shown in listings (`sk-hub-abcd…`). */
  prefix: string;
  key_hash: string;
  /** JSON array of scopes (`models:call`, ...; the SDK's `API_KEY_SCOPES`). */
  scopes: Generated<string>;
  /** JSON array of model names (ids or aliases), or null for every model the user may use. */
  allowed_models: string | null;
  /** Spending cap in credit units, or null. */
  spend_cap: number | null;
  /** Credit units charged through this key so far. */
  spent: Generated<number>;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  created_at: number;
  /** The key that made this one (with `keys:manage`); null when a session made it. */
  created_by_key_id: string | null;
}

/** A user's identity at an OAuth/OIDC provider, keyed by (provider, subject). */
export interface OAuthIdentitiesTable {
  id: string;
  user_id: string;
  provider: string;
  subject: string;
  email: string | null;
  created_at: number;
}

/** Single-use, expiring tokens (email verification, password reset), stored only as hashes. */
export interface OneTimeTokensTable {
  id: string;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  token_hash: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/**
 * A ledger account. Users own one each; the hub has system accounts (`system:grants`,
 * `system:payments`, `system:revenue`, ...) so that every transaction balances.
 * `balance` and `held` are projections of the ledger and the open holds, updated in the same
 * database transaction; `smart-ai-hub ledger verify` recomputes them.
 */
export interface CreditAccountsTable {
  id: string;
  /** `user:<userId>` or `system:<name>`: unique. */
  code: string;
  user_id: string | null;
  balance: number;
  held: number;
  created_at: number;
  updated_at: number;
}

/** A balanced set of postings: never updated, never deleted. */
export interface LedgerTransactionsTable {
  id: string;
  kind: string;
  /** Unique when set: a replay of the same key moves nothing. */
  idempotency_key: string | null;
  user_id: string | null;
  /** What it is about: a hold id, a payment event id, ... */
  reference: string | null;
  description: string | null;
  /** JSON object. */
  metadata: string | null;
  created_at: number;
}

export interface LedgerPostingsTable {
  id: string;
  transaction_id: string;
  account_id: string;
  /** Signed credit units; the postings of one transaction sum to zero. */
  amount: number;
  created_at: number;
}

/** Credit reserved for metered work; settled or released exactly once. */
export interface CreditHoldsTable {
  id: string;
  account_id: string;
  user_id: string;
  amount: number;
  status: 'open' | 'settled' | 'released' | 'expired';
  /** The amount charged when settled (may exceed `amount`: see `overage`). */
  settled_amount: number | null;
  /**
   * Units of the charge no hold covered when it was posted: beyond `amount`, or all of it when the
   * settle came after the sweeper had expired the hold. 0 for the ordinary charge.
   */
  overage: Generated<number>;
  transaction_id: string | null;
  request_id: string | null;
  /** JSON object. */
  metadata: string | null;
  expires_at: number;
  created_at: number;
  resolved_at: number | null;
}

/** The first answer to an idempotent write, replayed for the same (scope, key). */
export interface IdempotencyRecordsTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  /** JSON. */
  response: string;
  created_at: number;
}

/** Payment provider events (Stripe), recorded once each, in the transaction that credits them. */
export interface PaymentEventsTable {
  id: string;
  provider: string;
  type: string;
  /** The object the event is about (checkout session, charge, ...). */
  object_id: string | null;
  user_id: string | null;
  created_at: number;
}

/** One row per metered request. */
export interface UsageLogsTable {
  id: string;
  request_id: string;
  user_id: string;
  api_key_id: string | null;
  /** The host product's end user (OpenAI `user` field or `x-hub-end-user`). */
  end_user: string | null;
  model: string;
  provider: string | null;
  deployment: string | null;
  endpoint: string;
  input_tokens: number;
  output_tokens: number;
  /** Credit units charged. */
  cost: number;
  latency_ms: number;
  /** `ok`, `error`, `cancelled`, `cached`, ... */
  status: string;
  error_code: string | null;
  created_at: number;
}

/**
 * A Stripe payment as the credits domain knows it (migration 0003), keyed by PaymentIntent id
 * (or Checkout Session id when there is none). Facts only grow (paid, refunded, disputed);
 * `credited` is the net credit units granted so far, adjusted to match the facts.
 */
export interface CreditPaymentsTable {
  id: string;
  provider: string;
  user_id: string | null;
  session_id: string | null;
  package_id: string | null;
  /** Credit units the payment buys. */
  credits: number | null;
  /** Minor currency units paid. */
  amount_total: number | null;
  currency: string | null;
  paid_at: number | null;
  failed_at: number | null;
  /** Minor units refunded so far (cumulative, as Stripe reports it). */
  amount_refunded: Generated<number>;
  /** Minor units under dispute. */
  amount_disputed: Generated<number>;
  /** Net credit units granted for this payment so far. */
  credited: Generated<number>;
  created_at: number;
  updated_at: number;
}

/**
 * A checkout session the hub created (migration 0007): the only sessions a payment event may
 * credit, for this user and package, when the amount paid covers `price` in `currency`.
 */
export interface CheckoutSessionsTable {
  /** The provider's session id (`cs_...`). */
  id: string;
  provider: string;
  user_id: string;
  package_id: string;
  /** Credit units the package sold. */
  credits: number;
  /** The package's price, minor currency units. */
  price: number;
  /** Lower-case ISO code, as Stripe reports it. */
  currency: string;
  /** `open` until an event settles it: `paid`, `underpaid` (refused), or `failed`. */
  status: 'open' | 'paid' | 'underpaid' | 'failed';
  /** The payment it became (`credit_payments.id`), once an event named it. */
  payment_id: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * An in-app notification made from a hub event (migration 0005). `event_id` is unique, so a
 * redelivered event finds its notification instead of making another.
 */
export interface NotificationsTable {
  id: string;
  user_id: string;
  /** `<stream>/<event id>` of the event it was made from. */
  event_id: string | null;
  /** `credits.low`, `payment.succeeded`, ... */
  type: string;
  title: string;
  body: string;
  /** JSON: the event's facts. */
  data: string;
  /** Set when the user's preferences keep it out of the in-app list (the row still records the event). */
  hidden_at: number | null;
  read_at: number | null;
  /** Set once its email went out. */
  emailed_at: number | null;
  created_at: number;
}

/** A user's notification preferences (JSON: per type, per channel booleans); absent = defaults. */
export interface NotificationPreferencesTable {
  user_id: string;
  preferences: string;
  updated_at: number;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

/**
 * A stored response of the Responses API (migration 0009), owned by the user who made it.
 * `response` is the Response object as JSON without its `output` (those are its output items).
 */
export interface ResponsesTable {
  /** `resp_...`. */
  id: string;
  user_id: string;
  previous_response_id: string | null;
  model: string;
  /** `completed`, `incomplete`, `failed`, `cancelled`. */
  status: string;
  response: string;
  created_at: number;
}

/** One input or output item of a stored response, in order (`position`). */
export interface ResponseItemsTable {
  response_id: string;
  position: number;
  user_id: string;
  /** The item's id (`msg_...`, `fc_...`): what an `item_reference` names. */
  item_id: string;
  kind: 'input' | 'output';
  /** The item as JSON. */
  item: string;
  created_at: number;
}

/**
 * One audit record (migration 0010): who did what to what, from where, and what changed. Written
 * in the action's transaction; `hash` chains it to the record before it (see the audit domain).
 */
export interface AuditLogTable {
  /** 1, 2, 3, ... without gaps: the chain's order. */
  seq: number;
  /** `aud_...`. */
  id: string;
  at: number;
  /** `user` (a session or a host/OIDC token), `api_key`, `system` (CLI, background work), `anonymous`. */
  actor_kind: string;
  /** The acting user, when there is one. */
  actor_id: string | null;
  /** The API key the actor used, when it used one. */
  actor_key_id: string | null;
  /** `auth.signed_in`, `user.role_changed`, `api_key.revoked`, ... */
  action: string;
  /** `user`, `session`, `api_key`, `webhook_endpoint`, ... */
  target_type: string | null;
  target_id: string | null;
  /** The account the action concerns (what `GET /api/v1/me/security-events` shows its owner). */
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** JSON `{ before, after }`, never a secret; null when nothing changed in place. */
  changes: string | null;
  /** JSON of further facts (the sign-in method, a failure's reason, ...). */
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** The audit chain's single row (`id` 1): its head, and the anchor left by pruned records. */
export interface AuditChainTable {
  id: number;
  last_seq: number;
  last_hash: string;
  /** The last pruned record's seq (0: none pruned) and hash (the oldest kept record links to it). */
  pruned_seq: number;
  pruned_hash: string;
}

/** An outbound webhook endpoint (migration 0011). */
export interface WebhookEndpointsTable {
  /** `whe_...`. */
  id: string;
  url: string;
  description: string;
  /** JSON array of event types and patterns (`user.created`, `audit.*`). */
  events: string;
  /** The signing secret (`whsec_...`), sealed with a key derived from the hub secret. */
  secret: string;
  /** The secret before the last rotation, also sealed: deliveries carry both signatures until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: number | null;
  disabled_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** One event to deliver to one endpoint, retried until it succeeds or its retry window ends. */
export interface WebhookDeliveriesTable {
  /** `whd_...`. */
  id: string;
  endpoint_id: string;
  /** The `webhook-id` header: the same for every attempt (the receiver's idempotency key). */
  message_id: string;
  event_type: string;
  /** The JSON body sent, `{ type, timestamp, data }`. */
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  /** Attempts claimed so far. */
  attempts: Generated<number>;
  next_attempt_at: number;
  /** After this, a failed attempt marks the delivery failed. */
  retry_until: number;
  /** The replica attempting it now, and until when its claim holds. */
  lease_owner: string | null;
  lease_until: number | null;
  last_status: number | null;
  last_latency_ms: number | null;
  last_response: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** One attempt of a delivery: the delivery log. */
export interface WebhookAttemptsTable {
  /** `wha_...`. */
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: number;
  /** The receiver's HTTP status, or null when no answer came (refused, timed out). */
  status: number | null;
  latency_ms: number;
  /** The start of the receiver's answer (at most 1 KB of text). */
  response: string | null;
  error: string | null;
  /** Which replica made the attempt. */
  replica: string;
}

/** How far a source of webhook events has been turned into deliveries. */
export interface WebhookCursorsTable {
  name: string;
  position: number;
  updated_at: number;
}
