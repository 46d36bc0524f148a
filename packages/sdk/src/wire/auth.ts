/**
 * Wire types of accounts and authentication on the native API (`/api/v1/auth`, `/me`,
 * `/api-keys`, `/admin/users`). Times are ISO 8601 strings; credit amounts are credits.
 */

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
  /** Model ids this key may call, or null for every model. */
  allowedModels: string[] | null;
  /** Credits this key may spend in total, or null for no cap. */
  spendCap: number | null;
  /** Credits spent through this key. */
  spent: number;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface CreateApiKeyRequest {
  name: string;
  /** ISO time; omit for a key that does not expire. */
  expiresAt?: string;
  allowedModels?: string[];
  /** Credits (at most 6 decimals). */
  spendCap?: number;
}

/** The created key: `key` is shown this once and never again. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
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
