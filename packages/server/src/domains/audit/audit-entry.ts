/** Who did an audited action. */
export interface AuditActor {
  /** `user`: a session, or a host or OIDC token; `api_key`: a user's key; `system`: the CLI or background work. */
  kind: 'user' | 'api_key' | 'system' | 'anonymous';
  /** The acting user (for `user` and `api_key`). */
  id?: string | null;
  /** The key used (for `api_key`). */
  keyId?: string | null;
}

/** What an action changed in place: the fields before and after (never a secret). */
export interface AuditChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/**
 * One audited action, as its service records it (see `recordAudit`). The caller, source address,
 * user agent and request id come from the request being handled when the entry leaves them out.
 */
export interface AuditEntry {
  /** `area.verb_phrase`: `auth.signed_in`, `user.role_changed`, `webhook.endpoint_created`, ... */
  action: string;
  /** The account the action concerns: its owner sees the record among their security events. */
  userId?: string | null;
  /** What was acted on. */
  target?: { type: string; id: string | null };
  /** Default: the request's principal (anonymous when none), or `system` outside a request. */
  actor?: AuditActor;
  changes?: AuditChanges;
  /** Further facts: a sign-in's method, a failure's reason, a revocation's cause. */
  details?: Record<string, unknown>;
  /** Default: the request's (`request.ip`), none outside a request. */
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/**
 * The actions the hub records today. Other domains add theirs (`model.updated`, ...) by naming
 * them in the same `area.verb_phrase` shape: the log accepts any such name.
 */
export const AUDIT_ACTIONS = [
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.password_changed',
  'auth.password_reset',
  'auth.refresh_token_reused',
  'auth.session_revoked',
  'auth.token_minted',
  'api_key.created',
  'api_key.revoked',
  'user.created',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'credits.granted',
  'payment.succeeded',
  'payment.refunded',
  'payment.disputed',
  'payment.refused',
  'payment.recorded',
  'webhook.endpoint_created',
  'webhook.endpoint_updated',
  'webhook.endpoint_deleted',
  'webhook.secret_rotated',
] as const;

/** The shape every action name has. */
export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** The areas whose records a user sees at `GET /api/v1/me/security-events` (about their own account). */
export const SECURITY_AREAS = ['auth', 'api_key', 'user'] as const;
