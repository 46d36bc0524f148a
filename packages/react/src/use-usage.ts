import type { UsageReport } from '@smart-ai-hub/sdk';
import { useEffect, useMemo } from 'react';
import { followSession } from './follow-session.js';
import { useHub } from './hub-context.js';
import { createQueryStore } from './query-store.js';
import { useStore } from './use-store.js';

/** A time range: epoch ms, ISO dates or Dates; omitted ends take the hub's defaults. */
export interface UsageRange {
  from?: number | string | Date;
  to?: number | string | Date;
}

export interface UseUsageResult {
  /** Per-day, per-model use and totals (credits); undefined until loaded. */
  usage: UsageReport | undefined;
  loading: boolean;
  error: Error | undefined;
  refresh(): Promise<void>;
}

/**
 * What the signed-in user spent in `range` (`GET /api/v1/usage`); refetches when `from` or `to`
 * changes, so pass values that stay the same between renders (not `Date.now()` in render).
 */
export function useUsage(range: UsageRange = {}): UseUsageResult {
  const { client } = useHub();
  const from = toQuery(range.from);
  const to = toQuery(range.to);
  const query = useMemo(
    () => createQueryStore((signal) => client.usage.get({ from, to }, { signal }), followSession(client)),
    [client, from, to],
  );
  const { data, loading, error } = useStore(query);
  useEffect(() => query.load(), [query]);
  return { usage: data, loading, error, refresh: query.refresh };
}

function toQuery(value: number | string | Date | undefined): number | string | undefined {
  return value instanceof Date ? value.getTime() : value;
}
