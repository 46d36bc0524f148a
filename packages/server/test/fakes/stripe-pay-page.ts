import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StripeStore } from './stripe-store.js';

/**
 * The hosted checkout page behind `session.url`: GET shows the amount and a Pay button; POST
 * completes the session as paid (`onPaid` emits and delivers the event), then 303-redirects to
 * `success_url` with `{CHECKOUT_SESSION_ID}` filled in, as Checkout does.
 */
export async function servePayPage(
  store: StripeStore,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  onPaid: (id: string) => Promise<void>,
): Promise<void> {
  const record = store.records.get(id);
  if (record?.session.status !== 'open') {
    res
      .writeHead(404, { 'content-type': 'text/html' })
      .end('<h1>This checkout session is no longer available.</h1>');
    return;
  }
  const { session } = record;
  if (req.method === 'POST') {
    await onPaid(id);
    const next = (session.success_url ?? store.baseUrl).replaceAll('{CHECKOUT_SESSION_ID}', id);
    res.writeHead(303, { location: next }).end();
    return;
  }
  const amount = `${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}`;
  const cancel = session.cancel_url
    ? `<a id="cancel" href="${escapeHtml(session.cancel_url)}">Cancel</a>`
    : '';
  res
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    .end(
      `<!doctype html><title>Fake Stripe Checkout</title><h1>Pay ${amount}</h1>` +
        `<form method="post"><button id="pay" type="submit">Pay</button></form>${cancel}`,
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
