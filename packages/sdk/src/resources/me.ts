import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { ChangePasswordRequest, UpdateMeRequest, HubUser as User } from '../wire/auth.js';

/** The signed-in user's profile: `client.me`. */
export class Me {
  constructor(private readonly transport: Transport) {}

  /** Who the credentials belong to. */
  get(options?: RequestOptions): Promise<User> {
    return this.transport.json({ method: 'GET', path: '/api/v1/me' }, options);
  }

  /** Changes profile fields (name, ...). */
  update(body: UpdateMeRequest, options?: RequestOptions): Promise<User> {
    return this.transport.json({ method: 'PATCH', path: '/api/v1/me', body }, options);
  }

  /** Changes the password (the current one is required); the hub ends the other sessions. */
  async changePassword(body: ChangePasswordRequest, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'POST', path: '/api/v1/me/password', body }, options);
  }

  /** Sends the verification mail again (for an address not verified yet). */
  async resendVerification(options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'POST', path: '/api/v1/me/verify-email' }, options);
  }
}
