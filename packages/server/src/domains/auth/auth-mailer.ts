import type { FastifyBaseLogger } from 'fastify';
import type { MailMessage, MailTransport } from '../../mail/mail-transport.js';

/** One email of the auth flows (verification, password reset, password changed). */
export type AuthEmail = MailMessage;

/** Sends the auth domain's emails. */
export interface AuthMailer {
  send(email: AuthEmail): Promise<void>;
}

/**
 * The auth domain's emails over the hub's mail transport. With mail off, only the subject is
 * logged (never the recipient's link or its token); the dev sink prints the email itself.
 */
export function createAuthMailer(transport: MailTransport, log: FastifyBaseLogger): AuthMailer {
  return {
    async send(email) {
      if (!(await transport.send(email))) {
        log.warn({ subject: email.subject }, 'email not sent: mail is off (set SMTP_URL)');
      }
    },
  };
}
