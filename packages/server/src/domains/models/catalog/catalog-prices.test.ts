import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/load-config.js';
import { builtInProviders } from '../providers/built-in-providers.js';
import { buildCatalog, costOf } from './model-catalog.js';

const model = (prices: { inputPrice: number; outputPrice: number; cachePrice?: number }) => ({
  id: 'm',
  ...prices,
  deployments: [{ id: 'd', provider: 'mock' }],
});

describe('catalog prices in micro-credits', () => {
  it('takes prices to the micro-credit per million tokens and charges a request to the next micro-credit', () => {
    const catalog = buildCatalog([model({ inputPrice: 0.02, outputPrice: 0.000001 })], builtInProviders, {});
    const m = catalog.resolve('m')!;
    expect(m.inputUnitsPerMillion).toBe(20_000);
    // 15 tokens at 0.02 credits per million: 0.3 micro-credits, charged as 1 (not 0.0001 credits).
    expect(costOf(m, 15, 0)).toBe(1);
    expect(costOf(m, 1_000_000, 0)).toBe(20_000);
  });

  it('stops start-up with a message naming the field when a price is finer than the unit', () => {
    const build = (prices: Parameters<typeof model>[0]) => () =>
      buildCatalog([model(prices)], builtInProviders, {});
    expect(build({ inputPrice: 0.0000001, outputPrice: 1 })).toThrow(ConfigError);
    expect(build({ inputPrice: 0.0000001, outputPrice: 1 })).toThrow(
      /models\.0\.inputPrice: prices have at most 6 decimals/,
    );
    expect(build({ inputPrice: 1, outputPrice: 1, cachePrice: 1e12 })).toThrow(/models\.0\.cachePrice/);
  });
});
