import { describe, expect, it } from 'vitest';
import { createQueryStore } from './query-store.js';

/** A fetch the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('query store', () => {
  it('keeps the newest fetch when an older one answers last, and aborts the older one', async () => {
    const fetches: Array<{ signal: AbortSignal } & ReturnType<typeof deferred<number>>> = [];
    const query = createQueryStore((signal) => {
      const d = deferred<number>();
      fetches.push({ ...d, signal });
      return d.promise;
    });
    const first = query.refresh();
    const second = query.refresh();
    expect(fetches[0]!.signal.aborted).toBe(true);
    fetches[1]!.resolve(2);
    await second;
    fetches[0]!.resolve(1);
    await first;
    expect(query.getState()).toEqual({ data: 2, error: undefined, loading: false });
  });

  it('puts a failure in error and clears it on the next success', async () => {
    let fail = true;
    const query = createQueryStore(async () => {
      if (fail) throw new Error('hub down');
      return 'ok';
    });
    await query.refresh();
    expect(query.getState()).toMatchObject({ data: undefined, loading: false });
    expect(query.getState().error?.message).toBe('hub down');
    fail = false;
    await query.refresh();
    expect(query.getState()).toEqual({ data: 'ok', error: undefined, loading: false });
  });

  it('load() fetches only when there is no data and no fetch in flight; reset() forgets', async () => {
    let calls = 0;
    const query = createQueryStore(async () => ++calls);
    query.load();
    query.load();
    await query.refresh();
    expect(calls).toBe(2);
    query.load();
    expect(calls).toBe(2);
    query.reset();
    expect(query.getState()).toEqual({ data: undefined, error: undefined, loading: false });
  });

  it('runs watch only while observed', () => {
    let watching = 0;
    const query = createQueryStore(
      async () => 1,
      () => {
        watching++;
        return () => watching--;
      },
    );
    const stopA = query.subscribe(() => {});
    const stopB = query.subscribe(() => {});
    expect(watching).toBe(1);
    stopA();
    expect(watching).toBe(1);
    stopB();
    expect(watching).toBe(0);
  });
});
