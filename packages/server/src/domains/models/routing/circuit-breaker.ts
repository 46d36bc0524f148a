/** What a circuit breaker's state looks like from outside (the admin providers list). */
export interface CircuitSnapshot {
  state: 'closed' | 'open' | 'half_open';
  consecutiveFailures: number;
  /** While open: when a trial request may go through (epoch ms). */
  retryAt: number | null;
}

/**
 * A circuit breaker for one deployment: after `failureThreshold` consecutive failures it opens
 * and the router skips the deployment for `cooldownMs`; then one trial request goes through
 * (half open): success closes it, failure opens it again. Per process, which is enough to stop
 * one replica hammering a failing upstream.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
    /** Told when the circuit opens (from closed) and when it closes again. */
    private readonly onChange?: (change: 'open' | 'closed') => void,
  ) {}

  /** True when a request may go to the deployment now (claims the trial slot when half open). */
  tryPass(): boolean {
    if (this.openedAt === null) return true;
    if (this.now() - this.openedAt < this.cooldownMs || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    const wasOpen = this.openedAt !== null;
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
    if (wasOpen) this.onChange?.('closed');
  }

  failure(): void {
    const wasClosed = this.openedAt === null;
    this.failures++;
    if (this.trialInFlight || this.failures >= this.failureThreshold) this.openedAt = this.now();
    this.trialInFlight = false;
    if (wasClosed && this.openedAt !== null) this.onChange?.('open');
  }

  snapshot(): CircuitSnapshot {
    if (this.openedAt === null) return { state: 'closed', consecutiveFailures: this.failures, retryAt: null };
    const retryAt = this.openedAt + this.cooldownMs;
    return {
      state: this.now() >= retryAt ? 'half_open' : 'open',
      consecutiveFailures: this.failures,
      retryAt,
    };
  }
}
