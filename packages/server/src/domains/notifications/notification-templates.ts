import type { StreamEvent } from '@smart-ai-hub/adapters';
import type { NotificationType } from '@smart-ai-hub/sdk';
import { NOTIFICATION_TYPES } from './notification-preferences.js';

/** What a hub event becomes for its user: a notification's type, words and facts. */
export interface NotificationDraft {
  userId: string;
  type: NotificationType;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

const words: Record<NotificationType, (data: Record<string, unknown>) => { title: string; body: string }> = {
  'credits.low': (d) => ({
    title: 'Your credits are running low',
    body: `Your balance is ${d.balance} credits, below ${d.threshold}. Top up to keep using AI models.`,
  }),
  'payment.succeeded': (d) => ({
    title: 'Payment received',
    body: `${d.credits} credits were added to your account.`,
  }),
  'payment.refunded': (d) => ({
    title: 'Payment refunded',
    body: `Your payment was refunded: ${d.credits} credits were taken back from your account.`,
  }),
};

/**
 * The notification an event makes, or null for events that make none (`credits.changed` is too
 * chatty; unknown types belong to other consumers) and for events without a user.
 */
export function draftNotification(event: StreamEvent): NotificationDraft | null {
  if (!(NOTIFICATION_TYPES as readonly string[]).includes(event.type)) return null;
  const type = event.type as NotificationType;
  const { userId, ...data } = event.data;
  if (typeof userId !== 'string' || userId === '') return null;
  return { userId, type, ...words[type](data), data };
}
