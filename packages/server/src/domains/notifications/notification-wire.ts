import type { NotificationInfo, NotificationType } from '@smart-ai-hub/sdk';
import type { NotificationRow } from './notification-store.js';

/** A stored notification as the native API shows it. */
export function toNotificationInfo(row: NotificationRow): NotificationInfo {
  return {
    id: row.id,
    type: row.type as NotificationType,
    title: row.title,
    body: row.body,
    data: JSON.parse(row.data) as Record<string, unknown>,
    readAt: row.read_at === null ? null : new Date(row.read_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
