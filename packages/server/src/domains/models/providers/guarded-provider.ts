import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { checkedCompletion, StreamCheck } from './answer-checks.js';
import { afterFirstChunk } from './first-chunk.js';
import type { ChatProvider, ProviderFactory } from './provider.js';
import { UpstreamDeadline } from './upstream-deadline.js';

/**
 * Holds a provider the hub did not write (`createHub({ providers })`) to what the built-in ones
 * keep by themselves: the deployment's `timeoutMs` bounds each whole call even if the provider
 * ignores its signal (the hub stops waiting and returns its iterator); a stream is handed over at
 * its first chunk; every answer and chunk is checked, and a stream must end with every choice
 * finished (see `answer-checks`). A fault becomes an `UpstreamError` the hub reports and charges
 * for as it does any upstream's.
 */
export function guardedProvider(factory: ProviderFactory): ProviderFactory {
  return (deployment): ChatProvider => {
    const inner = factory(deployment);
    return {
      async complete(request, call) {
        const deadline = new UpstreamDeadline(call.signal, deployment.timeoutMs);
        try {
          const answer = inner.complete(request, { ...call, signal: deadline.signal });
          return checkedCompletion(await raced(answer, deadline.signal));
        } catch (error) {
          throw deadline.settle(error);
        } finally {
          deadline.clear();
        }
      },
      async stream(request, call) {
        const deadline = new UpstreamDeadline(call.signal, deployment.timeoutMs);
        let source: AsyncIterator<ChatCompletionChunk>;
        try {
          const started = inner.stream(request, { ...call, signal: deadline.signal });
          source = (await raced(started, deadline.signal))[Symbol.asyncIterator]();
        } catch (error) {
          deadline.clear();
          throw deadline.settle(error);
        }
        return afterFirstChunk(guardedChunks(source, deadline, call.signal));
      },
    };
  };
}

async function* guardedChunks(
  source: AsyncIterator<ChatCompletionChunk>,
  deadline: UpstreamDeadline,
  caller: AbortSignal,
): AsyncGenerator<ChatCompletionChunk> {
  const check = new StreamCheck();
  let ended = false;
  try {
    for (;;) {
      const next = await raced(source.next(), deadline.signal);
      if (next.done) break;
      yield check.chunk(next.value);
    }
    ended = true;
    if (deadline.expired) throw deadline.expiredError();
    if (!caller.aborted) check.end();
  } catch (error) {
    throw deadline.settle(error);
  } finally {
    deadline.clear();
    // Not awaited: a provider that ignores its signal may never settle its own return either.
    if (!ended) Promise.resolve(source.return?.()).catch(ignore);
  }
}

/** `work`, or the signal's reason as soon as it aborts (`work` is left to settle unheard). */
function raced<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(ignore);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function ignore(): void {}
