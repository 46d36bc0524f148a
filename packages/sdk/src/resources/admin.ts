import { PageIterator } from '../core/page-iterator.js';
import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { AdminUpdateUserRequest, ApiKeyInfo, HubUser, UserList, UserListQuery } from '../wire/auth.js';
import type {
  AdminGrantRequest,
  AdminGrantResponse,
  CreditBalance,
  CreditTransaction,
  CreditTransactionPage,
} from '../wire/credits.js';
import type { DeploymentInfo, DeploymentList } from '../wire/models.js';
import type { AdminUsageQuery, UsageReport } from '../wire/usage.js';

/** Administration (needs an admin's credentials; moderators may read): `client.admin`. */
export class Admin {
  constructor(private readonly transport: Transport) {}

  readonly users = {
    /** One page of users in creation order; `q` keeps those whose email or name contains it. */
    list: (query: UserListQuery = {}, options?: RequestOptions): Promise<UserList> =>
      this.transport.json({ method: 'GET', path: '/api/v1/admin/users', query: { ...query } }, options),

    get: (userId: string, options?: RequestOptions): Promise<HubUser> =>
      this.transport.json({ method: 'GET', path: userPath(userId) }, options),

    /** Changes a user's role, name, or disables them (sessions ended, keys refused). */
    update: (userId: string, body: AdminUpdateUserRequest, options?: RequestOptions): Promise<HubUser> =>
      this.transport.json({ method: 'PATCH', path: userPath(userId), body }, options),

    /** A user's balance, held and available credits. */
    balance: (userId: string, options?: RequestOptions): Promise<CreditBalance> =>
      this.transport.json({ method: 'GET', path: `${userPath(userId)}/credits` }, options),

    /** A user's ledger, newest first, page by page as you iterate. */
    transactions: (
      userId: string,
      query: { limit?: number } = {},
      options?: RequestOptions,
    ): PageIterator<CreditTransaction> =>
      new PageIterator((cursor) =>
        this.transport.json<CreditTransactionPage>(
          { method: 'GET', path: `${userPath(userId)}/credits/transactions`, query: { ...query, cursor } },
          options,
        ),
      ),

    /** A user's API keys (their prefixes, never the keys). */
    apiKeys: async (userId: string, options?: RequestOptions): Promise<ApiKeyInfo[]> => {
      const page = await this.transport.json<{ apiKeys: ApiKeyInfo[] }>(
        { method: 'GET', path: `${userPath(userId)}/api-keys` },
        options,
      );
      return page.apiKeys;
    },

    /**
     * Grants `amount` credits to a user. Money moves: one idempotency key per call, reused by
     * every retry; pass `options.idempotencyKey` to make it idempotent across restarts too.
     */
    grantCredits: (
      userId: string,
      body: AdminGrantRequest,
      options?: RequestOptions,
    ): Promise<AdminGrantResponse> =>
      this.transport.json(
        { method: 'POST', path: `${userPath(userId)}/credits`, body, idempotent: true },
        options,
      ),
  };

  /** Use by day and model: everyone's, or one user's (`userId`), key's or end user's. */
  usage(query: AdminUsageQuery = {}, options?: RequestOptions): Promise<UsageReport> {
    return this.transport.json({ method: 'GET', path: '/api/v1/admin/usage', query: { ...query } }, options);
  }

  /** The deployments behind the models: provider, upstream model, circuit state, failures. */
  async providers(options?: RequestOptions): Promise<DeploymentInfo[]> {
    const list = await this.transport.json<DeploymentList>(
      { method: 'GET', path: '/api/v1/admin/providers' },
      options,
    );
    return list.data;
  }
}

const userPath = (userId: string) => `/api/v1/admin/users/${encodeURIComponent(userId)}`;
