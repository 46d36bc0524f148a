import type { SessionInfo } from '@smart-ai-hub/sdk';
import { useHubClient } from './hub-context.js';
import { useHubQuery } from './use-hub-query.js';

export interface UseSessionsResult {
  /** The user's active sessions (signed-in devices); `current` marks this one. */
  sessions: SessionInfo[];
  loading: boolean;
  error: Error | undefined;
  /** Signs that session out and refreshes the list. Rejects with the SDK's error. */
  revoke(id: string): Promise<void>;
  refresh(): Promise<void>;
}

/** The signed-in user's sessions, to see where they are signed in and end the others. */
export function useSessions(): UseSessionsResult {
  const client = useHubClient();
  const { data, loading, error, refresh } = useHubQuery((c, signal) => c.auth.sessions.list({ signal }), []);
  return {
    sessions: data ?? NONE,
    loading,
    error,
    async revoke(id) {
      await client.auth.sessions.revoke(id);
      await refresh();
    },
    refresh,
  };
}

const NONE: SessionInfo[] = [];
