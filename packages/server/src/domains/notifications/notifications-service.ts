import type { Coordination, Database, StreamEvent } from '@smart-ai-hub/adapters';
import type {
  NotificationInfo,
  NotificationPreferences,
  NotificationPreferencesUpdate,
} from '@smart-ai-hub/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { UsersService } from '../accounts/users-service.js';
import { liveChannel } from './live-channel.js';
import type { NotificationMailer } from './notification-mailer.js';
import { loadPreferences, updatePreferences } from './notification-preferences.js';
import { NotificationStore } from './notification-store.js';
import { draftNotification } from './notification-templates.js';
import { toNotificationInfo } from './notification-wire.js';

export interface NotificationsServiceOptions {
  db: Kysely<Database>;
  coordination: Coordination;
  users: Pick<UsersService, 'findById'>;
  mailer: NotificationMailer;
  /** The hub's public address, for the link in emails. */
  publicUrl: string;
  log: FastifyBaseLogger;
}

/** What handling one event did. */
export type HandleOutcome = 'ignored' | 'created' | 'duplicate';

/** A page of `GET /api/v1/notifications`. */
export interface NotificationList {
  data: NotificationInfo[];
  nextCursor: string | null;
  unreadCount: number;
}

/**
 * The notifications domain's service (`hub.services.notifications`): turns hub events into
 * in-app notifications and emails (by the user's preferences), pushes new ones live, and
 * answers the user's list, read marks and preferences.
 */
export class NotificationsService {
  private readonly store: NotificationStore;

  constructor(private readonly options: NotificationsServiceOptions) {
    this.store = new NotificationStore(options.db);
  }

  /**
   * Handles one delivery of a hub event. Idempotent per `eventKey`: a redelivered event finds the
   * notification the first delivery made and only finishes what it left undone (the email).
   * Throws when the email could not be sent, so that the event is delivered again.
   */
  async handleEvent(event: StreamEvent, eventKey: string): Promise<HandleOutcome> {
    const draft = draftNotification(event);
    if (!draft) return 'ignored';
    const preferences = (await loadPreferences(this.options.db, draft.userId))[draft.type];
    const { row, created } = await this.store.record(eventKey, draft, { hidden: !preferences.inApp });
    if (created && row.hidden_at === null) await this.publishLive(row.user_id, toNotificationInfo(row));
    if (preferences.email && row.emailed_at === null) {
      const user = await this.options.users.findById(row.user_id);
      // Only proven addresses get mail; a missing or disabled user gets none.
      if (user?.email_verified_at && !user.disabled_at) {
        const sent = await this.options.mailer.send({
          to: user.email,
          subject: row.title,
          text: `${row.body}\n\n${this.options.publicUrl}\n\nYou can choose which emails you get in your notification preferences.`,
        });
        if (sent) await this.store.markEmailed(row.id);
      }
    }
    return created ? 'created' : 'duplicate';
  }

  /** The user's notifications, newest first. */
  async list(
    userId: string,
    options: { cursor?: string; limit: number; unread?: boolean },
  ): Promise<NotificationList> {
    const page = await this.store.list(userId, options);
    return {
      data: page.rows.map(toNotificationInfo),
      nextCursor: page.nextCursor,
      unreadCount: page.unreadCount,
    };
  }

  /** Marks one of the user's notifications read; undefined when the user has none with this id. */
  async markRead(userId: string, id: string): Promise<NotificationInfo | undefined> {
    const row = await this.store.markRead(userId, id);
    return row && toNotificationInfo(row);
  }

  preferences(userId: string): Promise<NotificationPreferences> {
    return loadPreferences(this.options.db, userId);
  }

  updatePreferences(userId: string, update: NotificationPreferencesUpdate): Promise<NotificationPreferences> {
    return updatePreferences(this.options.db, userId, update);
  }

  /**
   * Calls `onNotification` with each new notification of the user, on whichever replica it was
   * made. Resolves once the subscription is live, with the function that ends it.
   */
  subscribe(userId: string, onNotification: (json: string) => void): Promise<() => Promise<void>> {
    return this.options.coordination.pubsub.subscribe(liveChannel(userId), onNotification);
  }

  private async publishLive(userId: string, notification: NotificationInfo): Promise<void> {
    try {
      await this.options.coordination.pubsub.publish(liveChannel(userId), JSON.stringify(notification));
    } catch (error) {
      // Live delivery is best effort: the notification is stored and listed either way.
      this.options.log.warn({ err: error }, 'could not publish a notification live');
    }
  }
}
