import type { HubClient, NotificationInfo, NotificationPage } from '@smart-ai-hub/sdk';

const MAX_WAIT_MS = 30_000;

/**
 * Follows the hub's live notification stream while signed in: connects on sign-in (and at once
 * when a session exists), reconnects after a drop with a growing pause, disconnects on sign-out.
 * Returns the function that stops it.
 */
export function followLiveNotifications(
  client: HubClient,
  onNotification: (notification: NotificationInfo) => void,
  onConnected?: () => void,
): () => void {
  let controller: AbortController | undefined;
  const connect = () => {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    void run(current.signal);
  };
  const run = async (signal: AbortSignal) => {
    for (let failures = 0; !signal.aborted; failures++) {
      try {
        const stream = await client.notifications.live({ signal, maxRetries: 0 });
        failures = 0;
        onConnected?.();
        for await (const notification of stream) onNotification(notification);
      } catch {
        // Dropped or refused: try again after a pause, unless stopped.
      }
      if (signal.aborted) return;
      await pause(Math.min(MAX_WAIT_MS, 1000 * 2 ** failures), signal);
    }
  };
  const stop = client.auth.onAuthStateChange((event) => {
    if (event === 'SIGNED_IN') connect();
    else if (event === 'SIGNED_OUT') controller?.abort();
  });
  void client.auth.getSession().then((session) => {
    if (session && !controller) connect();
  });
  return () => {
    stop();
    controller?.abort();
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The page with `notification` added in front (once), counted unread. */
export function withLiveNotification(
  page: NotificationPage,
  notification: NotificationInfo,
): NotificationPage {
  if (page.data.some((n) => n.id === notification.id)) return page;
  return {
    ...page,
    data: [notification, ...page.data],
    unreadCount: page.unreadCount + (notification.readAt ? 0 : 1),
  };
}
