/** How many events `read` returns at most when `count` is not given. */
export const DEFAULT_READ_COUNT = 100;
/** How long an unacknowledged event waits before `read` redelivers it, when `claimAfterMs` is not given. */
export const DEFAULT_CLAIM_AFTER_MS = 30_000;

/** `EventStream.read`'s options with the defaults filled in (both adapters read them the same way). */
export interface ReadOptions {
  count: number;
  blockMs: number;
  claimAfterMs: number;
}

export function readOptions(
  opts: { count?: number; blockMs?: number; claimAfterMs?: number } = {},
): ReadOptions {
  const count = opts.count ?? DEFAULT_READ_COUNT;
  if (!Number.isSafeInteger(count) || count <= 0)
    throw new RangeError(`count must be a positive integer, got ${count}`);
  return {
    count,
    blockMs: Math.max(0, Math.ceil(opts.blockMs ?? 0)),
    claimAfterMs: Math.max(0, Math.ceil(opts.claimAfterMs ?? DEFAULT_CLAIM_AFTER_MS)),
  };
}
