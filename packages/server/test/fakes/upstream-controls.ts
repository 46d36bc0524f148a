import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeBehaviour } from './fake-behaviour.js';
import { FakeExchange, type RecordedRequest } from './fake-exchange.js';

/** Counters since start (or the last `reset()`). */
export interface UpstreamStats {
  /** Requests received, any route, any outcome. */
  requests: number;
  /** Requests whose client closed the connection before the response finished. */
  aborted: number;
}

/** The test-facing controls the LLM upstream fakes share. */
export interface UpstreamControls {
  /** Requests in arrival order (the oldest are dropped past `maxRecordedRequests`). */
  readonly requests: RecordedRequest[];
  readonly stats: UpstreamStats;
  /** Queues behaviours: each is consumed, in order, by the next model request. */
  script(...behaviours: FakeBehaviour[]): void;
  /** Scripted behaviours not yet consumed. */
  readonly pendingScripts: number;
  /**
   * Resolves with the next client-aborted request not yet awaited: the first call resolves on
   * the first abort (even one that already happened), the second on the second, and so on.
   */
  waitForAbort(timeoutMs?: number): Promise<RecordedRequest>;
  /**
   * Resolves with the next request whose body the fake has read (so its script, if any, is
   * taken): the moment to act on a request known to be in the fake's hands.
   */
  waitForRequest(timeoutMs?: number): Promise<RecordedRequest>;
  /**
   * Resolves once no request is open at the fake: every response ended and every connection a
   * client dropped was seen closed. A test that awaits it first starts on a quiet fake, with no
   * request of an earlier test still arriving to take its script or record its abort.
   */
  idle(timeoutMs?: number): Promise<void>;
  /** Clears records, counters and pending scripts (the arrays and objects are kept, emptied). */
  reset(): void;
}

export interface UpstreamControlsOptions {
  /** Keep at most this many requests in `requests` (default 10 000; benchmarks may set 0). */
  maxRecordedRequests?: number;
}

interface AbortWaiter {
  index: number;
  resolve: (request: RecordedRequest) => void;
}

/** The machinery behind {@link UpstreamControls}: scripts, records, counters and abort tracking. */
export class UpstreamState implements UpstreamControls {
  readonly requests: RecordedRequest[] = [];
  readonly stats: UpstreamStats = { requests: 0, aborted: 0 };
  private readonly queue: FakeBehaviour[] = [];
  private readonly aborts: RecordedRequest[] = [];
  private readonly waiters = new Set<AbortWaiter>();
  private awaited = 0;
  private readonly maxRecorded: number;
  private inFlight = 0;
  private readonly idleWaiters = new Set<() => void>();
  private readonly requestWaiters = new Set<(request: RecordedRequest) => void>();

  constructor(
    options: UpstreamControlsOptions,
    private readonly isServerClosing: () => boolean,
  ) {
    this.maxRecorded = options.maxRecordedRequests ?? 10_000;
  }

  script(...behaviours: FakeBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  get pendingScripts(): number {
    return this.queue.length;
  }

  /** The next scripted behaviour, if any. */
  takeScript(): FakeBehaviour | undefined {
    return this.queue.shift();
  }

  /** Counts and records a request as it arrives; the body is filled in once read. */
  open(req: IncomingMessage, res: ServerResponse, path: string): FakeExchange {
    this.stats.requests++;
    this.inFlight++;
    res.once('close', () => {
      if (--this.inFlight > 0) return;
      for (const resolve of this.idleWaiters) resolve();
    });
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: undefined,
      aborted: false,
    };
    if (this.maxRecorded > 0) {
      this.requests.push(record);
      if (this.requests.length > this.maxRecorded) this.requests.shift();
    }
    return new FakeExchange(
      record,
      res,
      (exchange) => this.onAbort(exchange.record),
      this.isServerClosing,
      (read) => {
        for (const resolve of this.requestWaiters) resolve(read);
      },
    );
  }

  waitForRequest(timeoutMs = 5_000): Promise<RecordedRequest> {
    return this.waitFor(this.requestWaiters, timeoutMs, 'no request');
  }

  idle(timeoutMs = 5_000): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return this.waitFor(this.idleWaiters, timeoutMs, `${this.inFlight} request(s) still open`);
  }

  private waitFor<T>(waiters: Set<(value: T) => void>, timeoutMs: number, failure: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const waiter = (value: T) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`${failure} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  waitForAbort(timeoutMs = 5_000): Promise<RecordedRequest> {
    const index = this.awaited++;
    const seen = this.aborts[index];
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: AbortWaiter = {
        index,
        resolve: (request) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(request);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(`no client abort #${index + 1} within ${timeoutMs} ms (aborted: ${this.stats.aborted})`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.aborts.length = 0;
    this.stats.requests = 0;
    this.stats.aborted = 0;
    this.awaited = 0;
  }

  private onAbort(record: RecordedRequest): void {
    record.aborted = true;
    this.stats.aborted++;
    this.aborts.push(record);
    for (const waiter of this.waiters) {
      const request = this.aborts[waiter.index];
      if (request) waiter.resolve(request);
    }
  }
}
