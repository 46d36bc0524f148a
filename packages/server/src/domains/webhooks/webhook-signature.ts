import { Webhook } from 'standardwebhooks';

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (the message id, the same on every
 * attempt), `webhook-timestamp` (this attempt's time, seconds) and `webhook-signature` (`v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">` with each secret, space-separated: during a secret's
 * rotation both the new and the previous one sign).
 */
export function signedHeaders(
  secrets: readonly string[],
  messageId: string,
  at: Date,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'SmartAIHub-Webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(' '),
  };
}
