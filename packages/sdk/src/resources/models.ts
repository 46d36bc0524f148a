import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type { ModelInfo, ModelList } from '../wire/models.js';

/** The models the hub serves, with prices: `client.models`. */
export class Models {
  constructor(private readonly transport: Transport) {}

  async list(options?: RequestOptions): Promise<ModelInfo[]> {
    const list = await this.transport.json<ModelList>({ method: 'GET', path: '/api/v1/models' }, options);
    return list.data;
  }
}
