import type { LedgerStore } from './ledger-store/ledger-store.js';

/**
 * Keeps the holds of this process's live requests from expiring: each tick pushes every tracked
 * hold's expiry to `now + ttl` in one guarded statement per batch of holds (see
 * `LedgerStore.renewHolds`), instead of a timer or a statement per request. Tracking costs a
 * request a set insert and a delete. A process that dies stops renewing, so its holds expire and
 * the sweeper releases them as before.
 */
export class HoldRenewer {
  private readonly live = new Set<string>();

  constructor(
    private readonly store: LedgerStore,
    /** What each tick extends a hold to, from now (ms). */
    readonly ttlMs: number,
  ) {}

  /** Renews `holdId` on every tick until {@link untrack}. */
  track(holdId: string): void {
    this.live.add(holdId);
  }

  untrack(holdId: string): void {
    this.live.delete(holdId);
  }

  /** True while `holdId` is tracked: its request is still running in this process. */
  has(holdId: string): boolean {
    return this.live.has(holdId);
  }

  get size(): number {
    return this.live.size;
  }

  /** Pushes every tracked open hold's expiry to `now + ttl`; resolves with how many it renewed. */
  renew(now = Date.now()): Promise<number> {
    return this.store.renewHolds([...this.live], now + this.ttlMs);
  }
}
