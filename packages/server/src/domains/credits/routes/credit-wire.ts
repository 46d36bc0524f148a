import type { CreditBalance, CreditTransactionPage } from '@smart-ai-hub/sdk';

type CreditTransaction = CreditTransactionPage['data'][number];

import type { Balance } from '../credits-port.js';
import { unitsToCredits } from '../money.js';
import type { HistoryEntry } from '../transaction-history.js';

/** Units to the API's credits. */
export function toCreditBalance(balance: Balance): CreditBalance {
  return {
    balance: unitsToCredits(balance.balance),
    held: unitsToCredits(balance.held),
    available: unitsToCredits(balance.available),
  };
}

export function toCreditTransaction(entry: HistoryEntry): CreditTransaction {
  return {
    id: entry.id,
    kind: entry.kind,
    amount: unitsToCredits(entry.amount),
    reference: entry.reference,
    description: entry.description,
    createdAt: new Date(entry.createdAt).toISOString(),
  };
}
