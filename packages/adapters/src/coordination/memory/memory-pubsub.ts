import { EventEmitter } from 'eventemitter3';
import type { PubSub } from '../coordination.js';
import { deliver } from '../deliver.js';

/** Pub/sub within one process: every subscriber of a channel gets each message, synchronously. */
export class MemoryPubSub implements PubSub {
  readonly #emitter = new EventEmitter<Record<string, (message: string) => void>>();

  async publish(channel: string, message: string): Promise<void> {
    this.#emitter.emit(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const listener = (message: string) => deliver(onMessage, message);
    this.#emitter.on(channel, listener);
    return async () => {
      this.#emitter.off(channel, listener);
    };
  }

  close(): void {
    this.#emitter.removeAllListeners();
  }
}
