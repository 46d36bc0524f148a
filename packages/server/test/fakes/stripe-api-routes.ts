import { type CheckoutRecord, createCheckoutRecord } from './stripe-checkout.js';
import type { StripeParams } from './stripe-form.js';
import { type StripeCheckoutSession, stripeError } from './stripe-objects.js';
import { expireCheckout } from './stripe-payments.js';
import type { StripeStore } from './stripe-store.js';

/**
 * The Stripe API routes the fake serves; answers `[status, body]`. Unknown routes get Stripe's
 * "Unrecognized request URL" 404, unknown ids `resource_missing`.
 */
export function routeStripeApi(
  store: StripeStore,
  method: string,
  path: string,
  params: StripeParams,
  version: string,
): [number, unknown] {
  const parts = path.split('/').filter(Boolean);
  const notFound = (kind: string, id: string): [number, unknown] => [
    404,
    stripeError('invalid_request_error', `No such ${kind}: '${id}'`, {
      code: 'resource_missing',
      param: 'id',
    }),
  ];
  const expand = Array.isArray(params.expand) ? params.expand : [];
  if (parts[0] === 'v1' && parts[1] === 'checkout' && parts[2] === 'sessions') {
    const id = parts[3];
    if (method === 'POST' && !id) {
      const created = createCheckoutRecord(params, {
        baseUrl: store.baseUrl,
        prices: store.prices,
        apiVersion: version,
      });
      if ('error' in created) return [400, created];
      store.records.set(created.session.id, created);
      return [200, sessionView(created, expand)];
    }
    const record = id ? store.records.get(id) : undefined;
    if (!id || !record) return id ? notFound('checkout.session', id) : unknownRoute(method, path);
    if (method === 'GET' && parts.length === 4) return [200, sessionView(record, expand)];
    if (method === 'GET' && parts[4] === 'line_items') return [200, lineItemList(record)];
    if (method === 'POST' && parts[4] === 'expire') {
      if (record.session.status !== 'open') {
        const message = `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${record.session.status}".`;
        return [400, stripeError('invalid_request_error', message)];
      }
      store.events.push(expireCheckout(record));
      return [200, sessionView(record, expand)];
    }
  }
  if (method === 'GET' && parts[0] === 'v1' && parts.length === 3) {
    const id = parts[2]!;
    const records = [...store.records.values()];
    if (parts[1] === 'payment_intents') {
      const found = records.find((r) => r.paymentIntent?.id === id)?.paymentIntent;
      return found ? [200, found] : notFound('payment_intent', id);
    }
    if (parts[1] === 'charges') {
      const found = records.find((r) => r.charge?.id === id)?.charge;
      return found ? [200, found] : notFound('charge', id);
    }
    if (parts[1] === 'events') {
      const found = store.events.find((e) => e.id === id);
      return found ? [200, found] : notFound('event', id);
    }
  }
  if (method === 'GET' && path === '/v1/events') {
    const type = typeof params.type === 'string' ? params.type : undefined;
    const data = store.events.filter((e) => !type || e.type === type).reverse();
    return [200, { object: 'list', data, has_more: false, url: '/v1/events' }];
  }
  return unknownRoute(method, path);
}

function sessionView(record: CheckoutRecord, expand: unknown[]): StripeCheckoutSession {
  return expand.includes('line_items')
    ? { ...record.session, line_items: lineItemList(record) }
    : record.session;
}

function lineItemList(record: CheckoutRecord) {
  return {
    object: 'list' as const,
    data: record.lineItems,
    has_more: false as const,
    url: `/v1/checkout/sessions/${record.session.id}/line_items`,
  };
}

function unknownRoute(method: string, path: string): [number, unknown] {
  const message = `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`;
  return [404, stripeError('invalid_request_error', message)];
}
