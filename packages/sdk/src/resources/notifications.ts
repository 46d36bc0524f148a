import type { CursorPage } from '../core/page-iterator.js';
import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';

/** An in-app notification. */
export interface NotificationInfo {
  id: string;
  [field: string]: unknown;
}

/** The user's in-app notifications and preferences: `client.notifications`. */
export class Notifications {
  constructor(private readonly transport: Transport) {}

  list(
    query: { cursor?: string; limit?: number; unread?: boolean } = {},
    options?: RequestOptions,
  ): Promise<CursorPage<NotificationInfo>> {
    return this.transport.json({ method: 'GET', path: '/api/v1/notifications', query }, options);
  }

  /** Marks a notification read. */
  async read(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json(
      { method: 'POST', path: `/api/v1/notifications/${encodeURIComponent(id)}/read` },
      options,
    );
  }

  readonly preferences = {
    get: (options?: RequestOptions): Promise<Record<string, unknown>> =>
      this.transport.json({ method: 'GET', path: '/api/v1/notifications/preferences' }, options),
    update: (body: Record<string, unknown>, options?: RequestOptions): Promise<Record<string, unknown>> =>
      this.transport.json({ method: 'PUT', path: '/api/v1/notifications/preferences', body }, options),
  };
}
