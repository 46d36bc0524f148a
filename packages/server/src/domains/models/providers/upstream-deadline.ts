import { UpstreamError } from './upstream-error.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A deployment's `timeoutMs` as a bound on one whole upstream call: from the request to the last
 * byte of the answer, however the upstream paces it (a byte every second resets no timer here).
 * `signal` aborts when the caller's signal does (with its reason) or when the time is up (with
 * {@link expiredError}), so a provider passes it wherever it passed the caller's and maps what it
 * throws through {@link settle}. Call {@link clear} once the call is over.
 */
export class UpstreamDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly forward = () => this.controller.abort(this.caller.reason);
  private passed = false;

  constructor(
    private readonly caller: AbortSignal,
    readonly timeoutMs: number,
  ) {
    if (caller.aborted) this.forward();
    else caller.addEventListener('abort', this.forward, { once: true });
    this.timer = setTimeout(
      () => {
        if (this.controller.signal.aborted) return;
        this.passed = true;
        this.controller.abort(this.expiredError());
      },
      // Node fires a longer timer at once (after a warning): ~24.8 days is no bound anyway.
      Math.min(timeoutMs, MAX_TIMER_MS),
    );
  }

  /** Aborted by the caller or by the deadline. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the deadline passed before the call ended (and before the caller left). */
  get expired(): boolean {
    return this.passed;
  }

  /** The error of a call that outlived its deadline: a timeout, retryable elsewhere. */
  expiredError(): UpstreamError {
    return new UpstreamError(`The upstream did not finish within ${this.timeoutMs} ms`, undefined, {
      timeout: true,
    });
  }

  /** What a failed call throws: the timeout once the deadline passed, else `error` as it is. */
  settle(error: unknown): unknown {
    return this.passed && !this.caller.aborted ? this.expiredError() : error;
  }

  /** Stops the timer and the caller's listener (the call is over). */
  clear(): void {
    clearTimeout(this.timer);
    this.caller.removeEventListener('abort', this.forward);
  }
}
