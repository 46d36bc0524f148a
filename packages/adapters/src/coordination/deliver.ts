/**
 * Hands a message to one subscriber. A subscriber that throws does not stop the fan-out to the
 * others: its error is rethrown on its own (an uncaught exception, as for an event listener).
 */
export function deliver(onMessage: (message: string) => void, message: string): void {
  try {
    onMessage(message);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
