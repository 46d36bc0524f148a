import Stripe from 'stripe';

/**
 * A `Stripe-Signature` header for `payload`, made by the official client's own
 * `webhooks.generateTestHeaderString`, so `stripe.webhooks.constructEvent` accepts it.
 * `timestamp` (seconds) defaults to now; pass an old one to test the tolerance check.
 */
export function signWebhook(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

/** A webhook delivery as Stripe makes it: the event as pretty-printed JSON plus its headers. */
export interface WebhookDelivery {
  payload: string;
  headers: { 'content-type': string; 'stripe-signature': string; 'user-agent': string };
}

/** Serialises and signs `event` the way Stripe delivers it. */
export function webhookDelivery(event: object, secret: string, timestamp?: number): WebhookDelivery {
  const payload = JSON.stringify(event, null, 2);
  return {
    payload,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': signWebhook(payload, secret, timestamp),
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
  };
}

/** POSTs the signed `event` to a webhook endpoint, as Stripe would. */
export async function deliverWebhook(url: string, event: object, secret: string): Promise<Response> {
  const { payload, headers } = webhookDelivery(event, secret);
  return fetch(url, { method: 'POST', headers, body: payload });
}
