import type { FastifyBaseLogger } from 'fastify';
import { createSmtpTransport } from '../../mail/smtp-transport.js';

/** One email of the auth flows (verification, password reset). */
export interface AuthEmail {
  to: string;
  subject: string;
  text: string;
  /** The link inside, logged instead of sent when no SMTP is configured in development. */
  link: string;
}

/** Sends the auth domain's emails. */
export interface AuthMailer {
  send(email: AuthEmail): Promise<void>;
}

/**
 * nodemailer over `SMTP_URL`. Without SMTP, development logs the link (so a fresh install works)
 * and other environments log only that an email could not be sent, never the token.
 */
export function createAuthMailer(options: {
  smtpUrl?: string;
  from: string;
  nodeEnv: string;
  log: FastifyBaseLogger;
}): AuthMailer & { close(): void } {
  const { log } = options;
  if (!options.smtpUrl) {
    return {
      async send(email) {
        if (options.nodeEnv === 'development') {
          log.info(
            { to: email.to, subject: email.subject, link: email.link },
            'email not sent (no SMTP_URL): the link',
          );
        } else {
          log.warn({ subject: email.subject }, 'email not sent: SMTP_URL is not configured');
        }
      },
      close() {},
    };
  }
  const transport = createSmtpTransport(options.smtpUrl);
  return {
    async send(email) {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
      });
    },
    close: () => transport.close(),
  };
}
