/**
 * The notifications part of the native API: in-app notifications made from hub events, the
 * user's delivery preferences, and the live stream (`GET /api/v1/notifications/stream`, SSE).
 */

/** What a notification is about (the hub event it was made from). */
export type NotificationType = 'credits.low' | 'payment.succeeded' | 'payment.refunded';

/** One in-app notification. */
export interface NotificationInfo {
  id: string;
  type: NotificationType;
  title: string;
  body: string;
  /** The event's facts (amounts in credits): `{ balance, threshold }`, `{ paymentId, credits }`, ... */
  data: Record<string, unknown>;
  /** ISO 8601, or null while unread. */
  readAt: string | null;
  /** ISO 8601. */
  createdAt: string;
}

/** `GET /api/v1/notifications?cursor=&limit=&unread=true`: the caller's own, newest first. */
export interface NotificationListQuery {
  cursor?: string;
  /** 1-100, default 20. */
  limit?: number;
  /** Only unread ones. */
  unread?: boolean;
}

export interface NotificationPage {
  data: NotificationInfo[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
  /** How many of the caller's notifications are unread (all pages). */
  unreadCount: number;
}

/** Where a notification of one type goes. */
export interface NotificationChannels {
  /** Listed in the app and pushed on the live stream. */
  inApp: boolean;
  /** Emailed to the user's verified address. */
  email: boolean;
}

/**
 * `GET /api/v1/notifications/preferences`: per type, per channel. Defaults: in-app on for every
 * type; email on for `payment.*` and `credits.low`.
 */
export type NotificationPreferences = Record<NotificationType, NotificationChannels>;

/** `PUT /api/v1/notifications/preferences`: what is left out keeps its value; answers the whole set. */
export type NotificationPreferencesUpdate = { [T in NotificationType]?: Partial<NotificationChannels> };

/**
 * One message of the live stream `GET /api/v1/notifications/stream` (`text/event-stream`; send
 * `Accept: text/event-stream`): each new notification is an SSE event named `notification` with
 * `id: <notification id>` and this as its JSON `data`. A comment line every 15 s keeps proxies
 * from closing the connection.
 */
export type NotificationStreamEvent = NotificationInfo;
