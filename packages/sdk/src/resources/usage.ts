import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { UsageReport } from '../wire/usage.js';

/** What the signed-in user spent: `client.usage`. */
export class Usage {
  constructor(private readonly transport: Transport) {}

  /** Per-day, per-model use between `from` and `to` (epoch ms or ISO dates; the hub's defaults otherwise). */
  get(
    query: { from?: number | string; to?: number | string } = {},
    options?: RequestOptions,
  ): Promise<UsageReport> {
    return this.transport.json({ method: 'GET', path: '/api/v1/usage', query }, options);
  }
}
