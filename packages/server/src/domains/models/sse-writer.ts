import type { ServerResponse } from 'node:http';

/** Standard headers of an SSE answer (`x-accel-buffering` stops nginx from buffering it). */
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/**
 * Writes server-sent events on a raw response, waiting for the socket to drain when its buffer is
 * full (so a slow client slows the upstream read instead of growing memory). Shared by the OpenAI
 * and Anthropic stream endpoints.
 */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  private wrote = false;

  /**
   * Sends status 200 and the SSE headers (plus `extra`): with the first event when it comes in
   * this event-loop turn (one write, one packet, sooner on the wire), on their own at its end.
   */
  open(extra: Record<string, string | number | string[] | undefined>): void {
    this.res.writeHead(200, { ...extra, ...SSE_HEADERS });
    setImmediate(() => {
      if (!this.wrote && !this.closed) this.res.flushHeaders();
    });
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** Writes one `data:` frame; resolves once the socket can take more. */
  data(payload: string): Promise<boolean> {
    return this.write(`data: ${payload}\n\n`);
  }

  /**
   * Writes raw SSE text (one or more whole events); resolves once the socket can take more:
   * true, or false when the client is gone.
   */
  async write(text: string): Promise<boolean> {
    if (this.closed) return false;
    const first = !this.wrote;
    this.wrote = true;
    const ok = this.res.write(text);
    // Node corks the socket on a write and uncorks it on the next tick, which comes only after
    // every chunk already read from the upstream has been written: the first event goes now.
    if (first) this.res.socket?.uncork();
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
    }
    return !this.closed;
  }

  end(): void {
    if (!this.closed) this.res.end();
  }
}
