import type { HubDomain } from '../../hub/hub-domain.js';
import { HUB_EVENT_STREAM } from '../credits/credit-events.js';
import { EventConsumer } from './event-consumer.js';
import { createNotificationMailer } from './notification-mailer.js';
import { NotificationsService } from './notifications-service.js';
import { notificationRoutes } from './routes/notification-routes.js';
import { notificationStreamRoute } from './routes/notification-stream-route.js';

declare module '../../hub/hub-context.js' {
  interface HubServices {
    notifications: NotificationsService;
  }
}

/** The consumer group notifications read hub events with (each event handled once per group). */
export const NOTIFICATIONS_GROUP = 'notifications';

/** Notifications: in-app and email notices of hub events, user preferences, a live SSE feed. */
export const notificationsDomain: HubDomain = {
  name: 'notifications',
  setup(hub) {
    const { env } = hub.config;
    const mailer = createNotificationMailer({
      smtpUrl: env.SMTP_URL,
      devMail: env.HUB_DEV_MAIL,
      from: env.SMTP_FROM,
      log: hub.log,
    });
    hub.onClose(() => mailer.close());
    hub.services.notifications = new NotificationsService({
      db: hub.db,
      coordination: hub.coordination,
      users: hub.services.users,
      mailer,
      publicUrl: hub.config.publicUrl,
      log: hub.log,
    });
  },
  async routes(app, hub) {
    await notificationRoutes(app, hub);
    await notificationStreamRoute(app, hub);
  },
  async start(hub) {
    const notifications = hub.services.notifications;
    const consumer = new EventConsumer({
      events: hub.coordination.events,
      stream: HUB_EVENT_STREAM,
      group: NOTIFICATIONS_GROUP,
      handle: (event) => notifications.handleEvent(event, `${HUB_EVENT_STREAM}/${event.id}`),
      log: hub.log,
    });
    await consumer.start();
    hub.onClose(() => consumer.stop());
  },
};
