import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { SessionInfo } from '../wire/auth.js';

/** The user's sessions (signed-in devices): `client.auth.sessions`. */
export class Sessions {
  constructor(private readonly transport: Transport) {}

  /** Every active session of the signed-in user. */
  async list(options?: RequestOptions): Promise<SessionInfo[]> {
    const page = await this.transport.json<{ sessions: SessionInfo[] }>(
      { method: 'GET', path: '/api/v1/me/sessions' },
      options,
    );
    return page.sessions;
  }

  /** Signs that session out (its refresh token stops working). */
  async revoke(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json(
      { method: 'DELETE', path: `/api/v1/me/sessions/${encodeURIComponent(id)}` },
      options,
    );
  }
}
