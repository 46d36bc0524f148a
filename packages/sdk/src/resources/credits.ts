import { PageIterator } from '../core/page-iterator.js';
import type { RequestOptions } from '../core/request-options.js';
import type { Transport } from '../core/transport.js';
import type {
  CheckoutRequest,
  CheckoutResponse,
  CheckoutStatus,
  CreditBalance,
  CreditPackageInfo,
  CreditPackageList,
  CreditTransaction,
  CreditTransactionPage,
} from '../wire/credits.js';

/** The user's prepaid credits: `client.credits`. Amounts are credits (at most 6 decimals). */
export class Credits {
  constructor(private readonly transport: Transport) {}

  /** Balance, held (reserved by requests in flight) and available credits. */
  balance(options?: RequestOptions): Promise<CreditBalance> {
    return this.transport.json({ method: 'GET', path: '/api/v1/credits' }, options);
  }

  /** The ledger, newest first, fetched page by page as you iterate: `for await (const tx of client.credits.transactions())`. */
  transactions(query: { limit?: number } = {}, options?: RequestOptions): PageIterator<CreditTransaction> {
    return new PageIterator((cursor) =>
      this.transport.json<CreditTransactionPage>(
        { method: 'GET', path: '/api/v1/credits/transactions', query: { ...query, cursor } },
        options,
      ),
    );
  }

  /** The credit packages on sale. */
  async packages(options?: RequestOptions): Promise<CreditPackageInfo[]> {
    const list = await this.transport.json<CreditPackageList>(
      { method: 'GET', path: '/api/v1/credits/packages' },
      options,
    );
    return list.data;
  }

  /** Starts a Stripe checkout for a credit package; send the buyer to `url`. */
  checkout(body: CheckoutRequest, options?: RequestOptions): Promise<CheckoutResponse> {
    return this.transport.json(
      { method: 'POST', path: '/api/v1/credits/checkout', body, idempotent: true },
      options,
    );
  }

  /** How the signed-in user's checkout `id` ended (the page Stripe returns to asks until it is not `open`). */
  checkoutStatus(id: string, options?: RequestOptions): Promise<CheckoutStatus> {
    return this.transport.json(
      { method: 'GET', path: `/api/v1/credits/checkout/${encodeURIComponent(id)}` },
      options,
    );
  }
}
