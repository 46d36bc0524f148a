import { APIUserAbortError } from './errors.js';

/** Resolves after `ms`, or rejects with {@link APIUserAbortError} as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One attempt's controller: aborts when the caller's signal does or when `timeoutMs` passes.
 * `timedOut` tells the two apart; `clearTimer()` ends the timeout (a stream outlives it);
 * `dispose()` also unhooks from the caller's signal.
 */
export function attemptController(signal: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const clearTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    controller,
    get timedOut() {
      return timedOut;
    },
    clearTimer,
    dispose() {
      clearTimer();
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
