import { type Database, isUniqueViolation, type NotificationsTable, newId } from '@smart-ai-hub/adapters';
import type { Kysely, Selectable } from 'kysely';
import type { NotificationDraft } from './notification-templates.js';

export type NotificationRow = Selectable<NotificationsTable>;

/** A page of a user's notifications, newest first. */
export interface NotificationRowPage {
  rows: NotificationRow[];
  /** The last id of this page, to pass back as `cursor`; null at the end. */
  nextCursor: string | null;
  unreadCount: number;
}

/** The notifications table: one row per event, found again (never made twice) by `eventId`. */
export class NotificationStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records the notification of event `eventId` once: answers the row and whether this call made
   * it (false when an earlier delivery of the same event already did).
   */
  async record(
    eventId: string,
    draft: NotificationDraft,
    options: { hidden: boolean },
  ): Promise<{ row: NotificationRow; created: boolean }> {
    const now = Date.now();
    const row: NotificationRow = {
      id: newId('ntf'),
      user_id: draft.userId,
      event_id: eventId,
      type: draft.type,
      title: draft.title,
      body: draft.body,
      data: JSON.stringify(draft.data),
      hidden_at: options.hidden ? now : null,
      read_at: null,
      emailed_at: null,
      created_at: now,
    };
    try {
      await this.db.insertInto('notifications').values(row).execute();
      return { row, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await this.db
      .selectFrom('notifications')
      .selectAll()
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    return { row: existing, created: false };
  }

  async markEmailed(id: string): Promise<void> {
    await this.db.updateTable('notifications').set({ emailed_at: Date.now() }).where('id', '=', id).execute();
  }

  /** The user's visible notifications, newest first (ids are time-ordered: the cursor is an id). */
  async list(
    userId: string,
    options: { cursor?: string; limit: number; unread?: boolean },
  ): Promise<NotificationRowPage> {
    let query = this.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', userId)
      .where('hidden_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(options.limit + 1);
    if (options.cursor) query = query.where('id', '<', options.cursor);
    if (options.unread) query = query.where('read_at', 'is', null);
    const [rows, unread] = await Promise.all([
      query.execute(),
      this.db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', userId)
        .where('hidden_at', 'is', null)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow(),
    ]);
    const page = rows.slice(0, options.limit);
    return {
      rows: page,
      nextCursor: rows.length > options.limit ? page.at(-1)!.id : null,
      unreadCount: Number(unread.n),
    };
  }

  /** Marks one of the user's notifications read (keeping the first time); undefined if not theirs. */
  async markRead(userId: string, id: string): Promise<NotificationRow | undefined> {
    await this.db
      .updateTable('notifications')
      .set({ read_at: Date.now() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .execute();
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('hidden_at', 'is', null)
      .executeTakeFirst();
  }
}
