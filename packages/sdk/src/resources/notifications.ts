import { PageIterator } from '../core/page-iterator.js';
import type { RequestOptions } from '../core/request-options.js';
import { Stream } from '../core/stream.js';
import type { Transport } from '../core/transport.js';
import type {
  NotificationInfo,
  NotificationListQuery,
  NotificationPage,
  NotificationPreferences,
  NotificationPreferencesUpdate,
} from '../wire/notifications.js';

/** The user's in-app notifications, their preferences and the live feed: `client.notifications`. */
export class Notifications {
  constructor(private readonly transport: Transport) {}

  /** One page, newest first, with the unread count: `list({ unread: true, limit: 10 })`. */
  list(query: NotificationListQuery = {}, options?: RequestOptions): Promise<NotificationPage> {
    return this.transport.json(
      { method: 'GET', path: '/api/v1/notifications', query: { ...query } },
      options,
    );
  }

  /** Every notification (newest first), fetched page by page as you iterate. */
  all(
    query: Omit<NotificationListQuery, 'cursor'> = {},
    options?: RequestOptions,
  ): PageIterator<NotificationInfo> {
    return new PageIterator((cursor) => this.list({ ...query, cursor }, options));
  }

  /** Marks a notification read; resolves with it. */
  read(id: string, options?: RequestOptions): Promise<NotificationInfo> {
    return this.transport.json(
      { method: 'POST', path: `/api/v1/notifications/${encodeURIComponent(id)}/read` },
      options,
    );
  }

  /**
   * New notifications as they happen: `for await (const n of await client.notifications.live())`.
   * Leaving the loop (or aborting `signal`) closes the connection.
   */
  async live(options: RequestOptions = {}): Promise<Stream<NotificationInfo>> {
    const response = await this.transport.request<Response>(
      { method: 'GET', path: '/api/v1/notifications/stream', stream: true },
      options,
    );
    return new Stream<NotificationInfo>(response, options.signal);
  }

  readonly preferences = {
    /** Per type, per channel (`inApp`, `email`). */
    get: (options?: RequestOptions): Promise<NotificationPreferences> =>
      this.transport.json({ method: 'GET', path: '/api/v1/notifications/preferences' }, options),
    /** Changes what is given, keeps the rest; resolves with the whole set. */
    update: (
      body: NotificationPreferencesUpdate,
      options?: RequestOptions,
    ): Promise<NotificationPreferences> =>
      this.transport.json({ method: 'PUT', path: '/api/v1/notifications/preferences', body }, options),
  };
}
