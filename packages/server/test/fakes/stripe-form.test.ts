import { describe, expect, it } from 'vitest';
import { parseStripeForm } from './stripe-form.js';

describe('parseStripeForm', () => {
  it('nests bracket keys, turns indexes into arrays and keeps string leaves', () => {
    const body = new URLSearchParams([
      ['mode', 'payment'],
      ['line_items[0][price_data][currency]', 'usd'],
      ['line_items[0][price_data][unit_amount]', '500'],
      ['line_items[0][price_data][product_data][name]', 'Credits'],
      ['line_items[0][quantity]', '2'],
      ['line_items[1][price]', 'price_123'],
      ['line_items[1][quantity]', '1'],
      ['metadata[userId]', 'user 42'],
      ['expand[]', 'line_items'],
      ['expand[]', 'payment_intent'],
      ['__proto__[polluted]', 'yes'],
    ]).toString();
    expect(parseStripeForm(body)).toEqual({
      mode: 'payment',
      line_items: [
        {
          price_data: { currency: 'usd', unit_amount: '500', product_data: { name: 'Credits' } },
          quantity: '2',
        },
        { price: 'price_123', quantity: '1' },
      ],
      metadata: { userId: 'user 42' },
      expand: ['line_items', 'payment_intent'],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('orders array entries by index, not arrival', () => {
    expect(parseStripeForm('a[1]=second&a[0]=first&a[10]=eleventh')).toEqual({
      a: ['first', 'second', 'eleventh'],
    });
  });
});
