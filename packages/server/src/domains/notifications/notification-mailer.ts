import {
  createMailTransport,
  type MailMessage,
  type MailTransportOptions,
} from '../../mail/mail-transport.js';

/** One notification email. */
export type NotificationEmail = MailMessage;

/** Sends notification emails; with mail off it says nothing of their content. */
export interface NotificationMailer {
  /** Resolves true when the email went out; false when mail is not configured. Throws on SMTP errors. */
  send(email: NotificationEmail): Promise<boolean>;
  close(): void;
}

/** Notification emails over `SMTP_URL`, or the dev sink when `devMail` is `log`. */
export function createNotificationMailer(options: MailTransportOptions): NotificationMailer {
  const transport = createMailTransport(options);
  return { send: (email) => transport.send(email), close: () => transport.close() };
}
