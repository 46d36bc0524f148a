import type { HubClient } from '@smart-ai-hub/sdk';
import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { HubProvider } from '../../src/index.js';

/** Renders `hook` under a {@link HubProvider} of `client`. */
export function renderWithHub<T>(client: HubClient, hook: () => T) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <HubProvider client={client}>{children}</HubProvider>
  );
  return renderHook(hook, { wrapper });
}
