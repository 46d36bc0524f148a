/** What never changes about a hold once placed: all that settling it needs to know beforehand. */
export interface HoldFacts {
  accountId: string;
  userId: string;
  amount: number;
  requestId: string | null;
}

/**
 * The facts of holds this process placed and has not resolved yet, so settling them skips a
 * SELECT. Bounded (oldest out first); a hold absent here (placed by another replica, before a
 * restart, or evicted) is read from the database instead. Only immutable facts live here, never
 * a status or a balance: the guarded transition in the database still decides who settles.
 */
export class HoldFactsCache {
  private readonly facts = new Map<string, HoldFacts>();

  constructor(private readonly maxEntries = 10_000) {}

  /** Remembers a hold once its insert has committed. */
  remember(holdId: string, facts: HoldFacts): void {
    if (this.facts.size >= this.maxEntries) this.facts.delete(this.facts.keys().next().value!);
    this.facts.set(holdId, facts);
  }

  get(holdId: string): HoldFacts | undefined {
    return this.facts.get(holdId);
  }

  /** Forgets a hold once it is resolved (by whichever caller). */
  forget(holdId: string): void {
    this.facts.delete(holdId);
  }

  get size(): number {
    return this.facts.size;
  }
}
