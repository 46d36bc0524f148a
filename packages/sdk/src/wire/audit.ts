/**
 * The audit part of the native API: one record per security or money action, append-only, for
 * admins (`GET /api/v1/admin/audit`) and, about their own account, for each user
 * (`GET /api/v1/me/security-events`).
 */

/** One audit record. */
export interface AuditEventInfo {
  id: string;
  /** The record's place in the hash chain: 1, 2, 3, ... */
  seq: number;
  /** ISO 8601. */
  at: string;
  /** `auth.signed_in`, `auth.sign_in_failed`, `user.role_changed`, `api_key.revoked`, ... */
  action: string;
  actor: {
    /** `user` (a session or host token), `api_key`, `system` (CLI, background work), `anonymous`. */
    kind: 'user' | 'api_key' | 'system' | 'anonymous';
    /** The acting user. */
    id: string | null;
    /** The API key it used. */
    keyId: string | null;
  };
  /** What was acted on: `{ type: 'session', id: 'ses_...' }`, ... */
  target: { type: string; id: string | null } | null;
  /** The account the action concerns. */
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** What changed in place (never a secret; amounts in credits). */
  changes: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
  /** Further facts: a sign-in's method, a failure's reason, ... */
  details: Record<string, unknown> | null;
}

/**
 * `GET /api/v1/admin/audit?actor=&action=&target=&from=&to=&cursor=&limit=`: newest first.
 * `action` is a name (`user.disabled`) or an area (`auth.*`); `target` matches the record's target
 * or the account it concerns; `from` (inclusive) and `to` (exclusive) are ISO 8601 times.
 */
export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  cursor?: string;
  /** 1-200, default 50. */
  limit?: number;
}

export interface AuditEventPage {
  data: AuditEventInfo[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}
