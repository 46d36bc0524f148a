import type { HubClient } from '@smart-ai-hub/sdk';
import { createContext, createElement, type ReactNode, useContext, useMemo } from 'react';
import { createHubStores, type HubStores } from './hub-stores.js';

interface HubContextValue {
  client: HubClient;
  stores: HubStores;
}

const HubContext = createContext<HubContextValue | null>(null);

export interface HubProviderProps {
  /** The SDK client every hook below calls through (make it once, outside render). */
  client: HubClient;
  children?: ReactNode;
}

/**
 * Gives the hooks below it a hub client and the state they share (one session, one balance, one
 * model list), so that two components showing the balance never disagree.
 *
 * @example
 * const client = new HubClient({ baseURL: 'https://ai.example.com' });
 * root.render(<HubProvider client={client}><App /></HubProvider>);
 */
export function HubProvider({ client, children }: HubProviderProps) {
  const value = useMemo(() => ({ client, stores: createHubStores(client) }), [client]);
  return createElement(HubContext.Provider, { value }, children);
}

/** The provider's client and stores; throws outside a {@link HubProvider}. */
export function useHub(): HubContextValue {
  const value = useContext(HubContext);
  if (!value) throw new Error('Smart AI Hub hooks need a <HubProvider client={client}> above them');
  return value;
}

/** The {@link HubClient} of the nearest {@link HubProvider}, for calls no hook covers. */
export function useHubClient(): HubClient {
  return useHub().client;
}
