import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { AdminGrantRequest, AdminGrantResponse } from '../wire/credits.js';

/** Administration (needs an admin's credentials): `client.admin`. */
export class Admin {
  constructor(private readonly transport: Transport) {}

  readonly users = {
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
        {
          method: 'POST',
          path: `/api/v1/admin/users/${encodeURIComponent(userId)}/credits`,
          body,
          idempotent: true,
        },
        options,
      ),
  };
}
