import type { ServerResponse } from 'node:http';

/**
 * Writes server-sent events on a raw response, waiting for the socket to drain when its buffer is
 * full (so a slow client slows the upstream read instead of growing memory).
 */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  private wrote = false;

  /**
   * Sends status 200 and the SSE headers (plus `extra`): with the first event when it comes in
   * this event-loop turn (one write, one packet, sooner on the wire), on their own at its end.
   */
  open(extra: Record<string, string | number | string[] | undefined>): void {
    this.res.writeHead(200, {
      ...extra,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    setImmediate(() => {
      if (!this.wrote && !this.closed) this.res.flushHeaders();
    });
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** Writes one `data:` frame; resolves once the socket can take more. */
  async data(payload: string): Promise<void> {
    if (this.closed) return;
    this.wrote = true;
    if (!this.res.write(`data: ${payload}\n\n`)) {
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
  }

  end(): void {
    if (!this.closed) this.res.end();
  }
}
