import type { FastifyBaseLogger } from 'fastify';
import type { MailTransport } from './mail-transport.js';

/**
 * The development mail sink (`HUB_DEV_MAIL=log`): prints each email whole to the log, at `warn` so
 * that it shows at every usual level, under a line that says it is not for production. The only
 * place where the hub logs a live token, and only because a developer asked for it.
 */
export function createDevLogMail(log: FastifyBaseLogger): MailTransport {
  return {
    kind: 'dev-log',
    async send(message) {
      log.warn(
        { devMail: { to: message.to, subject: message.subject, text: message.text } },
        'DEV MAIL SINK (HUB_DEV_MAIL=log): not for production: this email was printed here, not sent',
      );
      return true;
    },
    close() {},
  };
}
