import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { UsageQuery, UsageReport } from '../wire/usage.js';

/** What the signed-in user spent: `client.usage`. */
export class Usage {
  constructor(private readonly transport: Transport) {}

  /**
   * Per-day, per-model use between `from` and `to` (epoch ms or ISO dates; the hub's defaults
   * otherwise), of every key or one (`apiKeyId`), of every end user or one (`endUser`).
   */
  get(query: UsageQuery = {}, options?: RequestOptions): Promise<UsageReport> {
    return this.transport.json({ method: 'GET', path: '/api/v1/usage', query: { ...query } }, options);
  }
}
