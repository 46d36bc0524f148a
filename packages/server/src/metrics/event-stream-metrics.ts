import type { EventStream } from '@smart-ai-hub/adapters';
import { Gauge, type Registry } from 'prom-client';

/**
 * How far each consumer group of the event streams is behind, read at scrape time
 * (`hub_event_stream_lag`: appended, not yet delivered; `hub_event_stream_pending`: delivered, not
 * acknowledged). A group whose lag only grows has stopped consuming.
 */
export function registerEventStreamMetrics(registry: Registry, events: EventStream, streams: string[]): void {
  const read = async () => {
    const all = await Promise.all(
      streams.map(async (stream) => (await events.groups(stream)).map((info) => ({ stream, ...info }))),
    );
    return all.flat();
  };
  let current: { at: number; value: ReturnType<typeof read> } | undefined;
  const groups = () => {
    if (!current || Date.now() - current.at > 1_000)
      current = { at: Date.now(), value: read().catch(() => []) };
    return current.value;
  };
  new Gauge({
    name: 'hub_event_stream_lag',
    help: 'Events appended to the stream and not yet delivered to the consumer group',
    labelNames: ['stream', 'group'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const info of await groups()) this.set({ stream: info.stream, group: info.group }, info.lag);
    },
  });
  new Gauge({
    name: 'hub_event_stream_pending',
    help: 'Events delivered to the consumer group and not acknowledged yet',
    labelNames: ['stream', 'group'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const info of await groups()) this.set({ stream: info.stream, group: info.group }, info.pending);
    },
  });
}
