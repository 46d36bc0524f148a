import type { ChatCompletion, ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { UpstreamError } from './upstream-error.js';

/**
 * What the hub accepts from an upstream as an answer, checked where the providers hand it over,
 * so that a proxy's page, a half-sent body or a stream cut short becomes an {@link UpstreamError}
 * the hub reports (and charges for what was delivered), never a `TypeError` deep in metering.
 */

/** A non-streamed answer: an object whose `choices` each carry a `message`. */
export function checkedCompletion(value: unknown): ChatCompletion {
  const choices = (value as { choices?: unknown } | null)?.choices;
  if (
    typeof value !== 'object' ||
    !Array.isArray(choices) ||
    !choices.every((c) => typeof (c as { message?: unknown } | null)?.message === 'object')
  ) {
    throw new UpstreamError(
      `The upstream answered with something that is not a chat completion: ${excerpt(value)}`,
      undefined,
    );
  }
  return value as ChatCompletion;
}

/**
 * Follows a stream's chunks: each must be an object whose `choices` each carry a `delta`, and the
 * stream is complete once every choice it started has a `finish_reason` (`[DONE]` and
 * `message_stop` are not enough alone: some servers send `[DONE]` early, and the official clients
 * hide it). {@link end} throws when the upstream stopped before that: a truncated answer.
 */
export class StreamCheck {
  private answered = false;
  private readonly open = new Set<number>();
  private readonly finished = new Set<number>();

  /** The chunk, checked; throws an {@link UpstreamError} for anything else. */
  chunk(value: unknown): ChatCompletionChunk {
    const choices = (value as { choices?: unknown } | null)?.choices;
    if (typeof value !== 'object' || !Array.isArray(choices)) throw notAChunk(value);
    for (const choice of choices as Array<Partial<ChatCompletionChunk['choices'][number]> | null>) {
      if (typeof choice?.delta !== 'object' || choice.delta === null) throw notAChunk(value);
      const index = typeof choice.index === 'number' ? choice.index : 0;
      this.answered = true;
      if (choice.finish_reason != null) {
        this.open.delete(index);
        this.finished.add(index);
      } else if (!this.finished.has(index)) {
        this.open.add(index);
      }
    }
    return value as ChatCompletionChunk;
  }

  /** Throws unless the answer is complete (at least one choice, each finished). */
  end(): void {
    if (!this.answered) {
      throw new UpstreamError('The upstream ended its stream without an answer', undefined);
    }
    if (this.open.size > 0) {
      throw new UpstreamError(
        'The upstream ended its stream before the answer was complete (no finish_reason)',
        undefined,
      );
    }
  }
}

function notAChunk(value: unknown): UpstreamError {
  return new UpstreamError(
    `The upstream sent an event that is not a chat completion chunk: ${excerpt(value)}`,
    undefined,
  );
}

function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** Content types that are not an event stream, whatever the upstream meant by them. */
const NOT_EVENTS = /json|html|xml/i;

/** True when a 200 to a streamed request says its body is no event stream (JSON, HTML, XML). */
export function isNotEventStream(contentType: string | null | undefined): boolean {
  return contentType != null && NOT_EVENTS.test(contentType);
}

/**
 * The error of a 200 to a streamed request whose body is no event stream: the message of the
 * error envelope it holds (some servers answer errors so), or the start of the body. No status:
 * retryable, as nothing reached the client.
 */
export function notEventStreamError(status: number, contentType: string, body: string): UpstreamError {
  let message: string | undefined;
  try {
    message = envelopeMessage(JSON.parse(body));
  } catch {}
  message ??= body.trim().slice(0, 200) || 'no body';
  return new UpstreamError(
    `The upstream answered ${status} with ${contentType} instead of an event stream: ${message}`,
    undefined,
  );
}

/** `error.message` of an OpenAI or Anthropic error envelope, or `error` when it is a string (Ollama). */
export function envelopeMessage(envelope: unknown): string | undefined {
  const error = (envelope as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
