import type { FastifyBaseLogger } from 'fastify';
import { createDevLogMail } from './dev-log-mail.js';
import { createSmtpTransport } from './smtp-transport.js';

/** One email, as every domain hands it to the transport. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Where the hub's emails go. `smtp` (`SMTP_URL`) sends them; `dev-log` (`HUB_DEV_MAIL=log`, chosen
 * explicitly by a developer) prints them whole, links with live tokens included, under a loud
 * `DEV MAIL SINK` line; `off` (neither set) drops them, and nothing of their content is logged.
 */
export interface MailTransport {
  readonly kind: 'smtp' | 'dev-log' | 'off';
  /** True when the email went out (or was printed by the dev sink); false when mail is off. Throws on SMTP errors. */
  send(message: MailMessage): Promise<boolean>;
  close(): void;
}

export interface MailTransportOptions {
  smtpUrl?: string | undefined;
  devMail?: 'log' | undefined;
  /** The `From` of every email (`SMTP_FROM`). */
  from: string;
  log: FastifyBaseLogger;
}

export function createMailTransport(options: MailTransportOptions): MailTransport {
  if (options.smtpUrl) {
    const transport = createSmtpTransport(options.smtpUrl);
    return {
      kind: 'smtp',
      async send(message) {
        await transport.sendMail({ from: options.from, ...message });
        return true;
      },
      close: () => transport.close(),
    };
  }
  if (options.devMail === 'log') return createDevLogMail(options.log);
  return { kind: 'off', send: async () => false, close() {} };
}

/** The one start-up line that says where mail goes (never a secret). */
export function announceMail(transport: MailTransport, log: FastifyBaseLogger): void {
  if (transport.kind === 'dev-log') {
    log.warn(
      'DEV MAIL SINK (HUB_DEV_MAIL=log): not for production: every email, with its live verification and reset links, is printed to this log instead of being sent',
    );
  } else if (transport.kind === 'off') {
    log.info('mail is off (SMTP_URL is not set): emails are not sent, and their links are never logged');
  }
}
