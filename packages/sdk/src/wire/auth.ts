/**
 * Wire types of accounts and authentication on the native API (`/api/v1/auth`, `/me`,
 * `/api-keys`, `/admin/users`). Times are ISO 8601 strings; credit amounts are credits.
 */

import type { ApiKeyScope } from './api-key-scopes.js';

export type UserRole = 'admin' | 'moderator' | 'user';

/** A user as the API shows it (never a password hash). */
export interface HubUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  emailVerified: boolean;
  disabled: boolean;
  createdAt: string;
}

/** What register, login, refresh and an OAuth sign-in answer. */
export interface AuthTokens {
  user: HubUser;
  /** A short-lived JWT for `Authorization: Bearer`. */
  accessToken: string;
  /** An opaque token for `/auth/refresh`; rotates on every use. */
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface RegisterRequest {
  email: string;
  /** 8 to 1024 characters; common passwords are refused. */
  password: string;
  name?: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface RefreshRequest {
  refreshToken: string;
}

export interface LogoutRequest {
  refreshToken: string;
}

export interface VerifyEmailRequest {
  token: string;
}

export interface ForgotPasswordRequest {
  email: string;
}

export interface ResetPasswordRequest {
  token: string;
  password: string;
}

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export interface UpdateMeRequest {
  name?: string | null;
}

/** A sign-in (one refresh-token family). */
export interface SessionInfo {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  /** True for the session of the access token making the request. */
  current: boolean;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key (`sk-hub-AbCd`), to recognise it. */
  prefix: string;
  /** What the key may do (see {@link ApiKeyScope}). */
  scopes: ApiKeyScope[];
  /**
   * Model names this key may call, or null for every model. A name allows its model: the key
   * may call it by its id and by every alias, and sees it in the model lists.
   */
  allowedModels: string[] | null;
  /** Credits this key may spend in total, or null for no cap. */
  spendCap: number | null;
  /** Credits spent through this key. */
  spent: number;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  /** The key that made this one (a `keys:manage` key), or null when a session made it. */
  createdByKeyId: string | null;
}

/**
 * A new key. Made by a key (with `keys:manage`), it is never wider than its creator: scopes a
 * subset of the creator's (default: the defaults it holds), models among the creator's (default:
 * the creator's list), an expiry no later than the creator's (default: the same) and, when the
 * creator has a cap, a cap within what it has left (required; that much counts as spent by the
 * creator, so a key and the keys it made never spend more than its cap together).
 */
export interface CreateApiKeyRequest {
  name: string;
  /** ISO time; omit for a key that does not expire. */
  expiresAt?: string;
  /** Default: `DEFAULT_API_KEY_SCOPES` (call models; read credits, usage and models). */
  scopes?: ApiKeyScope[];
  /** Model ids or aliases; omit for every model. */
  allowedModels?: string[];
  /** Credits (at most 6 decimals). */
  spendCap?: number;
}

/** The created key: `key` is shown this once and never again. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}

/** One sign-in provider of `GET /api/v1/auth/oauth`: start it at `/api/v1/auth/oauth/:id`. */
export interface OAuthProviderInfo {
  id: string;
  /** `github`, `google` or `oidc`. */
  type: string;
}

/** `GET /api/v1/admin/users?q=&cursor=&limit=` */
export interface UserListQuery {
  /** Part of an email or name (any case). */
  q?: string;
  cursor?: string;
  /** 1-200, default 50. */
  limit?: number;
}

export interface UserList {
  users: HubUser[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface AdminCreateUserRequest {
  email: string;
  /** Omit for a user who signs in only through the host product or OAuth. */
  password?: string;
  name?: string;
  role?: UserRole;
  /** Trust the email as verified (the host product verified it). */
  emailVerified?: boolean;
}

export interface AdminUpdateUserRequest {
  role?: UserRole;
  /** true disables the user (sessions revoked, keys refused); false enables again. */
  disabled?: boolean;
  name?: string | null;
}

export interface MintTokenRequest {
  /** Seconds, at most 3600; default the hub's access-token lifetime. */
  expiresIn?: number;
}

/** A short-lived access token minted by an admin for a user (a host backend acting for its users). */
export interface MintedToken {
  accessToken: string;
  expiresIn: number;
}
