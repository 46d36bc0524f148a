import type { IncomingMessage, ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { resolveBehaviour } from './fake-behaviour.js';
import type { FakeRequestHandler, FakeServerHandle } from './fake-http-server.js';
import { fakeId } from './fake-ids.js';
import { bearerToken, readBody, sendJson, splitUrl } from './http-io.js';
import { runScriptedPrelude } from './scripted-prelude.js';
import { routeStripeApi } from './stripe-api-routes.js';
import type { StripePriceConfig } from './stripe-checkout.js';
import { parseStripeForm } from './stripe-form.js';
import {
  type StripeCharge,
  type StripeCheckoutSession,
  type StripeDispute,
  type StripeEvent,
  stripeError,
  stripeErrorForStatus,
} from './stripe-objects.js';
import { servePayPage } from './stripe-pay-page.js';
import {
  completeCheckout,
  disputeCharge,
  expireCheckout,
  refundCharge,
  settleAsyncPayment,
} from './stripe-payments.js';
import { createStripeStore, type StripeStore } from './stripe-store.js';
import { deliverWebhook } from './stripe-webhooks.js';
import type { UpstreamControls, UpstreamControlsOptions, UpstreamState } from './upstream-controls.js';
import { startUpstreamFake } from './upstream-fake.js';

export interface FakeStripeOptions extends UpstreamControlsOptions {
  /** The secret key `Authorization: Bearer` must carry (default `sk_test_fake`); `null` accepts any. */
  apiKey?: string | null;
  /** Prices known by id, for `line_items[i][price]`. */
  prices?: Record<string, StripePriceConfig>;
  /** Email of the paying customer when the session has no `customer_email` (default `buyer@example.com`). */
  customerEmail?: string;
  /** Where the hosted pay page (`session.url`) delivers the events it causes, signed with `secret`. */
  webhook?: { url: string; secret: string };
}

/**
 * A running fake of Stripe's API, plus the helpers that play the customer and the card network.
 * Of the shared controls, `script({ status, body?, headers?, hangBeforeFirstByteMs? })` fails
 * (or delays) the next API request; the LLM fields (chunks, toolCall, …) do not apply.
 */
export interface FakeStripe extends FakeServerHandle, UpstreamControls {
  apiKey: string | null;
  /** Spread into the client's config: `new Stripe(key, { ...fake.clientConfig })`. */
  clientConfig: { host: string; port: number; protocol: 'http' };
  /** Every event the helpers produced, oldest first (also served by `GET /v1/events[/:id]`). */
  readonly events: StripeEvent[];
  /** The current state of a session (undefined if unknown). */
  session(id: string): StripeCheckoutSession | undefined;
  /** The customer pays (`paid: false`: a delayed method, settled later by `asyncPayment*`). */
  completeSession(id: string, options?: { paid?: boolean }): StripeEvent<StripeCheckoutSession>;
  asyncPaymentSucceeded(id: string): StripeEvent<StripeCheckoutSession>;
  asyncPaymentFailed(id: string): StripeEvent<StripeCheckoutSession>;
  /** Refunds `amount` (default: the rest) of the session's charge: a `charge.refunded` event. */
  refund(id: string, amount?: number): StripeEvent<StripeCharge>;
  /** Disputes the session's charge: a `charge.dispute.created` event. */
  dispute(id: string, options?: { reason?: string }): StripeEvent<StripeDispute>;
  expireSession(id: string): StripeEvent<StripeCheckoutSession>;
  /** POSTs `event` to `options.webhook.url`, signed with its secret. */
  deliver(event: StripeEvent): Promise<Response>;
}

/**
 * Starts a fake of the Stripe API for the official `stripe` client: Checkout Sessions
 * (`POST /v1/checkout/sessions`, `GET …/:id` with `expand[]=line_items`, `GET …/:id/line_items`,
 * `POST …/:id/expire`), `GET /v1/payment_intents/:id`, `GET /v1/charges/:id`, `GET /v1/events[/:id]`,
 * with Idempotency-Key replay and Stripe-shaped errors. `session.url` serves a pay page that
 * completes the session and redirects to `success_url` (`{CHECKOUT_SESSION_ID}` filled in).
 */
export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const apiKey = options.apiKey === undefined ? 'sk_test_fake' : options.apiKey;
  const store = createStripeStore(options.prices);
  const email = options.customerEmail ?? 'buyer@example.com';

  const recordOf = (id: string) => {
    const record = store.records.get(id);
    if (!record) throw new Error(`fake-stripe: no checkout session ${id}`);
    return record;
  };
  const emit = <T>(event: StripeEvent<T>) => {
    store.events.push(event as StripeEvent);
    return event;
  };
  const deliver = (event: StripeEvent) => {
    if (!options.webhook)
      throw new Error('fake-stripe: start it with { webhook: { url, secret } } to deliver events');
    return deliverWebhook(options.webhook.url, event, options.webhook.secret);
  };
  const complete = (id: string, paid = true) => emit(completeCheckout(recordOf(id), { paid, email }));
  const onPaid = async (id: string) => {
    const event = complete(id);
    if (options.webhook) await deliver(event);
  };

  return startUpstreamFake(
    options,
    (state) => stripeHandler(state, store, apiKey, onPaid),
    (url) => {
      store.baseUrl = url;
      return {
        apiKey,
        clientConfig: { host: '127.0.0.1', port: Number(new URL(url).port), protocol: 'http' as const },
        events: store.events,
        session: (id: string) => store.records.get(id)?.session,
        completeSession: (id: string, opts: { paid?: boolean } = {}) => complete(id, opts.paid),
        asyncPaymentSucceeded: (id: string) => emit(settleAsyncPayment(recordOf(id), true)),
        asyncPaymentFailed: (id: string) => emit(settleAsyncPayment(recordOf(id), false)),
        refund: (id: string, amount?: number) => emit(refundCharge(recordOf(id), amount)),
        dispute: (id: string, opts: { reason?: string } = {}) =>
          emit(disputeCharge(recordOf(id), opts.reason ?? 'fraudulent')),
        expireSession: (id: string) => emit(expireCheckout(recordOf(id))),
        deliver,
      };
    },
  );
}

function stripeHandler(
  state: UpstreamState,
  store: StripeStore,
  apiKey: string | null,
  onPaid: (id: string) => Promise<void>,
): FakeRequestHandler {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req);
    const exchange = state.open(req, res, path);
    let raw: string;
    try {
      raw = (await readBody(req)).toString('utf8');
    } catch {
      return;
    }
    const params = parseStripeForm(req.method === 'GET' ? query : raw);
    exchange.record.body = params;
    if (path.startsWith('/pay/')) return servePayPage(store, req, res, path.slice('/pay/'.length), onPaid);

    const version = (req.headers['stripe-version'] as string | undefined) ?? Stripe.API_VERSION;
    const headers: Record<string, string> = { 'request-id': fakeId('req_', 14), 'stripe-version': version };
    const key = bearerToken(req) ?? basicUser(req);
    if (apiKey !== null && key !== apiKey) {
      const message = key
        ? `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`
        : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";
      return sendJson(res, 401, stripeError('invalid_request_error', message), headers);
    }

    const idempotencyKey =
      req.method === 'POST' ? (req.headers['idempotency-key'] as string | undefined) : undefined;
    if (idempotencyKey) {
      headers['idempotency-key'] = idempotencyKey;
      const stored = store.idempotent.get(idempotencyKey);
      const fingerprint = `${req.method} ${path} ${raw}`;
      if (stored && stored.fingerprint !== fingerprint) {
        const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
        return sendJson(res, 400, stripeError('idempotency_error', message), headers);
      }
      if (stored)
        return sendJson(res, stored.status, stored.body, { ...headers, 'idempotent-replayed': 'true' });
    }

    const behaviour = resolveBehaviour(state.takeScript(), {});
    if (await runScriptedPrelude(exchange, behaviour, stripeErrorForStatus, headers)) return;
    const [status, body] = routeStripeApi(store, req.method ?? 'GET', path, params, version);
    if (idempotencyKey && status < 400) {
      // A snapshot: a replay returns the original answer even after the object changed.
      const snapshot = structuredClone(body);
      store.idempotent.set(idempotencyKey, {
        fingerprint: `${req.method} ${path} ${raw}`,
        status,
        body: snapshot,
      });
    }
    sendJson(res, status, body, headers);
  }

  return handle;
}

function basicUser(req: IncomingMessage): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match ? Buffer.from(match[1]!, 'base64').toString('utf8').split(':')[0] : undefined;
}
