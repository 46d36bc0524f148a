import type { NotificationInfo, NotificationPage } from '@smart-ai-hub/sdk';
import { useEffect } from 'react';
import { useHub } from './hub-context.js';
import { useStore } from './use-store.js';

export interface UseNotificationsResult {
  /** The newest notifications (live ones first as they arrive); empty until loaded. */
  notifications: NotificationInfo[];
  /** How many are unread (all of them, not only those listed). */
  unreadCount: number;
  loading: boolean;
  error: Error | undefined;
  /** Marks one read here and on the hub; rejects with the SDK's error. */
  markRead(id: string): Promise<void>;
  refresh(): Promise<void>;
}

/**
 * The signed-in user's notifications, shared by every component under the provider, and kept
 * live: while something renders this hook, the hub's notification stream (SSE) is followed and
 * each new notification appears at once (reconnecting after a drop).
 */
export function useNotifications(): UseNotificationsResult {
  const { client, stores } = useHub();
  const query = stores.notifications;
  const { data, loading, error } = useStore(query);
  useEffect(() => query.load(), [query]);
  const markRead = async (id: string) => {
    const read = await client.notifications.read(id);
    query.setState((state) => ({ data: state.data && markedRead(state.data, read) }));
  };
  return {
    notifications: data?.data ?? NONE,
    unreadCount: data?.unreadCount ?? 0,
    loading,
    error,
    markRead,
    refresh: query.refresh,
  };
}

function markedRead(page: NotificationPage, read: NotificationInfo): NotificationPage {
  const before = page.data.find((n) => n.id === read.id);
  return {
    ...page,
    data: page.data.map((n) => (n.id === read.id ? read : n)),
    unreadCount: Math.max(0, page.unreadCount - (before && !before.readAt ? 1 : 0)),
  };
}

const NONE: NotificationInfo[] = [];
