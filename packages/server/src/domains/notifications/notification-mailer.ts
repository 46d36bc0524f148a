import type { FastifyBaseLogger } from 'fastify';
import { createSmtpTransport } from '../../mail/smtp-transport.js';

/** One notification email. */
export interface NotificationEmail {
  to: string;
  subject: string;
  text: string;
}

/** Sends notification emails; without SMTP it only says it did not (never the content). */
export interface NotificationMailer {
  /** Resolves true when the email went out; false when mail is not configured. Throws on SMTP errors. */
  send(email: NotificationEmail): Promise<boolean>;
  close(): void;
}

export function createNotificationMailer(options: {
  smtpUrl?: string;
  from: string;
  log: FastifyBaseLogger;
}): NotificationMailer {
  if (!options.smtpUrl) {
    return {
      async send(email) {
        options.log.debug(
          { subject: email.subject },
          'notification email not sent: SMTP_URL is not configured',
        );
        return false;
      },
      close() {},
    };
  }
  const transport = createSmtpTransport(options.smtpUrl);
  return {
    async send(email) {
      await transport.sendMail({ from: options.from, ...email });
      return true;
    },
    close: () => transport.close(),
  };
}
