import { hostname } from 'node:os';
import type { EventStream, StreamEvent } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';

export interface EventConsumerOptions {
  events: EventStream;
  stream: string;
  group: string;
  /** Handles one event; a throw leaves it unacknowledged, so it is delivered again later. */
  handle: (event: StreamEvent) => Promise<unknown>;
  log: FastifyBaseLogger;
  /** How long one read waits for new events (ms). */
  blockMs?: number;
  /** How long an unacknowledged event waits before it is delivered again (ms). */
  claimAfterMs?: number;
  /** Deliveries after which an event that keeps failing is logged and dropped. */
  maxDeliveries?: number;
  /** This consumer's name in the group (default: host, pid and a random part). */
  consumer?: string;
  /**
   * After a read that did not fill a batch, wait this long before reading again (ms, default 25),
   * so that a busy stream is read and acknowledged in batches rather than one event at a time.
   */
  lingerMs?: number;
}

const BATCH = 100;

/**
 * Reads a stream as one consumer of a group until stopped, acknowledging each event once
 * `handle` finished with it. At-least-once: an event whose consumer crashed before the ack is
 * delivered again after `claimAfterMs`, so `handle` must be idempotent per event id.
 */
export class EventConsumer {
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** The batch being handled (a read still blocked is abandoned on stop; what it took is redelivered). */
  #handling: Promise<void> = Promise.resolve();

  constructor(private readonly options: EventConsumerOptions) {}

  async start(): Promise<void> {
    await this.options.events.ensureGroup(this.options.stream, this.options.group);
    this.#loop = this.#run();
  }

  /** Stops reading and waits for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#handling;
  }

  async #run(): Promise<void> {
    const { events, stream, group, log } = this.options;
    const consumer =
      this.options.consumer ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    while (!this.#stopped) {
      let batch: StreamEvent[];
      try {
        batch = await events.read(stream, group, consumer, {
          count: BATCH,
          blockMs: this.options.blockMs ?? 5_000,
          claimAfterMs: this.options.claimAfterMs ?? 30_000,
        });
      } catch (error) {
        if (this.#stopped) return;
        log.error({ err: error, stream, group }, 'reading hub events failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
        continue;
      }
      if (this.#stopped) return;
      this.#handling = this.#handleBatch(batch);
      await this.#handling;
      const linger = this.options.lingerMs ?? 25;
      if (batch.length < BATCH && linger > 0 && !this.#stopped) {
        await new Promise((resolve) => setTimeout(resolve, linger).unref());
      }
    }
  }

  async #handleBatch(batch: StreamEvent[]): Promise<void> {
    const { events, stream, group, log, maxDeliveries = 5 } = this.options;
    const done: string[] = [];
    for (const event of batch) {
      // Left unacknowledged: delivered again after the restart.
      if (this.#stopped) break;
      try {
        await this.options.handle(event);
      } catch (error) {
        if (event.deliveries < maxDeliveries) {
          log.warn(
            { err: error, eventId: event.id, type: event.type },
            'hub event failed; it will be retried',
          );
          continue;
        }
        log.error({ err: error, eventId: event.id, type: event.type }, 'hub event failed too often; dropped');
      }
      done.push(event.id);
    }
    if (done.length === 0) return;
    try {
      await events.ack(stream, group, done);
    } catch (error) {
      log.warn(
        { err: error, events: done.length },
        'could not acknowledge hub events (they will be redelivered)',
      );
    }
  }

  /** Resolves when the loop has ended (after `stop`, once its read returns). */
  get finished(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }
}
