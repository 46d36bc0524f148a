import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, readBody } from './http-io.js';

/** One request as a fake saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (`undefined` for none; the raw string if it was not JSON). */
  body: unknown;
  /** True when the client closed the connection before the response finished. */
  aborted: boolean;
}

/**
 * One request/response in flight. It knows whether the client is still there, lets a handler
 * pause without outliving the connection, and tells a deliberate socket kill (a scripted
 * failure) apart from a client abort.
 */
export class FakeExchange {
  private readonly controller = new AbortController();
  private broken = false;

  constructor(
    readonly record: RecordedRequest,
    readonly res: ServerResponse,
    onClientAbort: (exchange: FakeExchange) => void,
    isServerClosing: () => boolean,
    private readonly onRead: (record: RecordedRequest) => void = () => {},
  ) {
    res.once('close', () => {
      if (res.writableFinished) return;
      this.controller.abort();
      if (this.broken || isServerClosing()) return;
      onClientAbort(this);
    });
  }

  /**
   * Reads and records the request's JSON body. Resolves `{ body }`, `'malformed'` (recorded as
   * the raw string) or `'gone'` if the client left mid-body.
   */
  async readJson(req: IncomingMessage): Promise<{ body: unknown } | 'malformed' | 'gone'> {
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      return 'gone';
    }
    try {
      this.record.body = parseJson(raw);
      return { body: this.record.body };
    } catch {
      this.record.body = raw.toString('utf8');
      return 'malformed';
    } finally {
      this.onRead(this.record);
    }
  }

  /** False once the connection is gone. */
  get open(): boolean {
    return !this.controller.signal.aborted && !this.res.destroyed;
  }

  /** Waits `ms`; resolves false (early) if the connection closes meanwhile. */
  pause(ms: number): Promise<boolean> {
    if (!this.open) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    const signal = this.controller.signal;
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(this.open);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves once the connection is gone (the client left, or the server is closing). */
  closed(): Promise<void> {
    if (!this.open) return Promise.resolve();
    const signal = this.controller.signal;
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Writes `data` (if any), then destroys the socket once it is flushed: a scripted mid-response failure. */
  breakConnection(data?: string): void {
    this.broken = true;
    const kill = () => this.res.socket?.destroy();
    if (data) this.res.write(data, kill);
    else kill();
  }
}
