/**
 * Waits for a provider's first chunk before handing its stream over, so that whatever goes wrong
 * before it (an `error` event, a 200 whose body is no event stream, a reset, the deadline) fails
 * `stream()` itself: a failure before the client's first byte, which the hub retries or falls
 * back from, and charges nothing for. The stream handed over yields that chunk, then the rest;
 * leaving it early returns the generator (which closes the upstream request).
 */
export async function afterFirstChunk<T>(chunks: AsyncGenerator<T>): Promise<AsyncIterableIterator<T>> {
  let pending: IteratorResult<T> | undefined = await chunks.next();
  const stream: AsyncIterableIterator<T> = {
    next() {
      if (pending === undefined) return chunks.next();
      const first = pending;
      pending = undefined;
      return Promise.resolve(first);
    },
    return(value?: unknown) {
      pending = undefined;
      return chunks.return(value as T);
    },
    throw(error?: unknown) {
      pending = undefined;
      return chunks.throw(error);
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
