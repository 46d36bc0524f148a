import { fakeId } from './fake-ids.js';
import type { StripeParam, StripeParams } from './stripe-form.js';
import {
  nowSeconds,
  type StripeCharge,
  type StripeCheckoutSession,
  type StripeDispute,
  type StripeErrorBody,
  type StripeLineItem,
  type StripePaymentIntent,
  stripeError,
} from './stripe-objects.js';

/** A price the fake knows by id, for `line_items[i][price]=price_…`. */
export interface StripePriceConfig {
  unit_amount: number;
  currency: string;
  product?: string;
}

/** Everything the fake holds about one Checkout Session and the payment behind it. */
export interface CheckoutRecord {
  session: StripeCheckoutSession;
  lineItems: StripeLineItem[];
  /** `payment_intent_data[metadata]`: what Stripe copies onto the PaymentIntent and Charge. */
  paymentIntentMetadata: Record<string, string>;
  /** The `Stripe-Version` the session was created with; its events carry it. */
  apiVersion: string;
  paymentIntent?: StripePaymentIntent;
  charge?: StripeCharge;
  disputes: StripeDispute[];
}

const MODES = new Set(['payment', 'subscription', 'setup']);

function missing(param: string): StripeErrorBody {
  return stripeError('invalid_request_error', `Missing required param: ${param}.`, {
    code: 'parameter_missing',
    param,
  });
}

function invalid(param: string, message: string): StripeErrorBody {
  return stripeError('invalid_request_error', message, { code: 'parameter_invalid_integer', param });
}

function str(value: StripeParam | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function stringMap(value: StripeParam | undefined): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function lineItemFrom(
  raw: StripeParam | undefined,
  index: number,
  prices: Record<string, StripePriceConfig>,
): StripeLineItem | StripeErrorBody {
  const param = `line_items[${index}]`;
  const item = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as StripeParams;
  const quantity = Number(item.quantity);
  if (item.quantity === undefined) return missing(`${param}[quantity]`);
  if (!Number.isInteger(quantity) || quantity < 1)
    return invalid(`${param}[quantity]`, 'Invalid integer: quantity');
  let price: StripeLineItem['price'];
  let description: string | null = null;
  const priceId = str(item.price);
  if (priceId) {
    const known = prices[priceId];
    if (!known) {
      return stripeError('invalid_request_error', `No such price: '${priceId}'`, {
        code: 'resource_missing',
        param: `${param}[price]`,
      });
    }
    price = {
      id: priceId,
      object: 'price',
      type: 'one_time',
      product: known.product ?? fakeId('prod_', 14),
      ...known,
    };
  } else if (item.price_data && typeof item.price_data === 'object' && !Array.isArray(item.price_data)) {
    const data = item.price_data;
    const currency = str(data.currency)?.toLowerCase();
    if (!currency) return missing(`${param}[price_data][currency]`);
    const amountText = str(data.unit_amount) ?? str(data.unit_amount_decimal);
    if (amountText === null) return missing(`${param}[price_data][unit_amount]`);
    const unitAmount = Number(amountText);
    if (!Number.isFinite(unitAmount) || unitAmount < 0) {
      return invalid(`${param}[price_data][unit_amount]`, 'Invalid integer: unit_amount');
    }
    const productData = data.product_data as StripeParams | undefined;
    description = str(productData?.name);
    if (!str(data.product) && !description) return missing(`${param}[price_data][product_data][name]`);
    price = {
      id: fakeId('price_', 24),
      object: 'price',
      type: 'one_time',
      currency,
      unit_amount: unitAmount,
      product: str(data.product) ?? fakeId('prod_', 14),
    };
  } else {
    return missing(`${param}[price]`);
  }
  const amount = Math.round(price.unit_amount * quantity);
  return {
    id: fakeId('li_', 24),
    object: 'item',
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description,
    quantity,
    price,
  };
}

/**
 * Validates `POST /v1/checkout/sessions` params like Stripe (mode; line items with quantity and a
 * price or price_data; one currency) and builds the open session, or the error to answer.
 */
export function createCheckoutRecord(
  params: StripeParams,
  context: { baseUrl: string; prices: Record<string, StripePriceConfig>; apiVersion: string },
): CheckoutRecord | StripeErrorBody {
  const mode = str(params.mode);
  if (!mode) return missing('mode');
  if (!MODES.has(mode))
    return stripeError('invalid_request_error', `Invalid mode: ${mode}`, { param: 'mode' });
  const rawItems = Array.isArray(params.line_items) ? params.line_items : [];
  if (mode !== 'setup' && rawItems.length === 0) return missing('line_items');
  const lineItems: StripeLineItem[] = [];
  for (const [index, raw] of rawItems.entries()) {
    const item = lineItemFrom(raw, index, context.prices);
    if ('error' in item) return item;
    lineItems.push(item);
  }
  const currency = lineItems[0]?.currency ?? str(params.currency) ?? 'usd';
  if (lineItems.some((item) => item.currency !== currency)) {
    return stripeError('invalid_request_error', 'All line items must use the same currency.', {
      param: 'line_items',
    });
  }
  const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const id = fakeId('cs_test_a1', 56);
  const created = nowSeconds();
  const paymentIntentData = params.payment_intent_data as StripeParams | undefined;
  return {
    session: {
      id,
      object: 'checkout.session',
      amount_subtotal: total,
      amount_total: total,
      cancel_url: str(params.cancel_url),
      client_reference_id: str(params.client_reference_id),
      created,
      currency,
      customer: str(params.customer),
      customer_details: null,
      customer_email: str(params.customer_email),
      expires_at: created + 24 * 3600,
      livemode: false,
      metadata: stringMap(params.metadata),
      mode,
      payment_intent: null,
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      success_url: str(params.success_url),
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted',
      url: `${context.baseUrl}/pay/${id}`,
    },
    lineItems,
    paymentIntentMetadata: stringMap(paymentIntentData?.metadata),
    apiVersion: context.apiVersion,
    disputes: [],
  };
}
