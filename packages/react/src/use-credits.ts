import { useEffect } from 'react';
import { useHub } from './hub-context.js';
import { useStore } from './use-store.js';

export interface UseCreditsResult {
  /** Credits on the account (6 decimals at most); undefined until loaded. */
  balance: number | undefined;
  /** Credits reserved by requests in flight. */
  held: number | undefined;
  /** balance - held: what a new request may spend. */
  available: number | undefined;
  /** True while the balance is being fetched. */
  loading: boolean;
  /** Why the last fetch failed (e.g. `AuthenticationError` when signed out). */
  error: Error | undefined;
  /** Fetches the balance again; resolves when done (never rejects). */
  refresh(): Promise<void>;
}

/**
 * The user's credits, shared by every component under the provider. Loads on first use, again
 * on sign-in and after each {@link useChat} request ends; cleared on sign-out.
 */
export function useCredits(): UseCreditsResult {
  const { credits } = useHub().stores;
  const { data, loading, error } = useStore(credits);
  useEffect(() => credits.load(), [credits]);
  return {
    balance: data?.balance,
    held: data?.held,
    available: data?.available,
    loading,
    error,
    refresh: credits.refresh,
  };
}
