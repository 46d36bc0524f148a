import { createHash } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@smart-ai-hub/sdk';
import { stringify } from 'safe-stable-stringify';
import { z } from 'zod';
import { HubError } from '../../../http/hub-error.js';
import type { GatewayDeps } from '../gateway/gateway-deps.js';
import type { ChatCompletionResult } from './chat-completion.js';
import { CompletionFromChunks } from './completion-from-chunks.js';

/** How long a finished answer is replayed for its key (Stripe's window). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a key stays claimed by a request that never finished (a crashed replica): no chat
 * request runs this long, so a stale claim frees the key without ever letting two runs overlap.
 */
export const IDEMPOTENCY_PENDING_TTL_MS = 60 * 60 * 1000;

/**
 * The `Idempotency-Key` request header of the chat endpoints: optional, 1 to 255 printable ASCII
 * characters. Other headers pass through untouched.
 */
export const idempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7e]{1,255}$/, 'Idempotency-Key must be 1 to 255 printable ASCII characters')
    .optional(),
});

/** What the cache holds for one key of one user. */
interface IdempotencyRecord {
  /** {@link requestHashOf} of the request that claimed the key. */
  hash: string;
  state: 'pending' | 'done';
  /** The answer (without the `hub` charge), once done. */
  response?: ChatCompletion;
}

/**
 * The request's fingerprint: sha256 of its canonical JSON (sorted keys), every field but `stream`
 * and `stream_options`, so a streamed retry of a non-streamed call (or the reverse) replays the
 * same answer in the shape it asks for.
 */
export function requestHashOf(request: ChatCompletionRequest): string {
  const { stream: _s, stream_options: _o, ...rest } = request;
  return createHash('sha256').update(stringify(rest)).digest('base64url');
}

/**
 * Runs a chat completion at most once per user and `Idempotency-Key`, so a retried call is never
 * charged twice. The first call claims the key (shared by every replica through the coordination
 * cache) and stores its answer once charged: a non-streamed response as it is, a stream as the
 * completion its chunks spell out. A call that fails (or a stream that errs or is left early)
 * frees the key, so a retry runs afresh. A later call with the key gets, by what it finds:
 * another request body, 422 `idempotency_key_reused`; a run in progress, 409 `conflict` (Retry-After
 * 1 s); a finished one, `replay(answer)` (which charges nothing).
 */
export async function runIdempotent(
  deps: Pick<GatewayDeps, 'cache' | 'log'>,
  input: { userId: string; key: string; request: ChatCompletionRequest; signal: AbortSignal },
  run: () => Promise<ChatCompletionResult>,
  replay: (stored: ChatCompletion) => Promise<ChatCompletionResult>,
): Promise<ChatCompletionResult> {
  const cache = deps.cache;
  const cacheKey = `chat-idem:${input.userId}:${input.key}`;
  const hash = requestHashOf(input.request);
  const pending: IdempotencyRecord = { hash, state: 'pending' };
  for (let attempt = 0; ; attempt++) {
    if (await cache.setIfAbsent(cacheKey, JSON.stringify(pending), IDEMPOTENCY_PENDING_TTL_MS)) break;
    const raw = await cache.get(cacheKey);
    // Freed (a failed first run) between our claim and our read: claim it again, once.
    if (raw === null && attempt === 0) continue;
    const found: IdempotencyRecord | null = raw === null ? null : JSON.parse(raw);
    if (found && found.hash !== hash) {
      throw new HubError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body',
      );
    }
    if (found?.state === 'done' && found.response) return replay(found.response);
    throw new HubError(
      409,
      'conflict',
      'A request with this Idempotency-Key is still in progress',
      undefined,
      1,
    );
  }

  const release = () =>
    cache.delete(cacheKey).catch((error) => deps.log.warn({ err: error }, 'idempotency key not released'));
  const store = async (completion: ChatCompletion) => {
    const { hub: _charge, ...response } = completion;
    const done: IdempotencyRecord = { hash, state: 'done', response };
    try {
      await cache.set(cacheKey, JSON.stringify(done), IDEMPOTENCY_TTL_MS);
    } catch (error) {
      deps.log.warn({ err: error }, 'idempotent answer not stored');
      await release();
    }
  };

  let result: ChatCompletionResult;
  try {
    result = await run();
  } catch (error) {
    await release();
    throw error;
  }
  if (result.kind === 'response') {
    await store(result.response);
    return result;
  }
  return { ...result, chunks: recordStream(result.chunks, input.signal, store, release) };
}

/**
 * Passes a stream through while folding it into its completion: stored when the charged last
 * chunk (the one with `hub`) comes by, released if the stream ends any other way (or is never
 * iterated and the client goes away).
 */
function recordStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  signal: AbortSignal,
  store: (completion: ChatCompletion) => Promise<void>,
  release: () => Promise<void>,
): AsyncGenerator<ChatCompletionChunk> {
  let started = false;
  signal.addEventListener('abort', () => started || void release(), { once: true });
  return (async function* () {
    started = true;
    const answer = new CompletionFromChunks();
    let stored = false;
    try {
      for await (const chunk of chunks) {
        answer.push(chunk);
        if (chunk.hub && !stored) {
          await store(answer.completion());
          stored = true;
        }
        yield chunk;
      }
    } finally {
      if (!stored) await release();
    }
  })();
}
