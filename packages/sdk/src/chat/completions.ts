import type { RequestOptions } from '../core/request-options.js';
import { Stream } from '../core/stream.js';
import type { Transport } from '../core/transport.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../wire/chat.js';
import { ChatCompletionStream } from './chat-completion-stream.js';

export type ChatCompletionCreateParams = ChatCompletionRequest & { stream?: false };
export type ChatCompletionStreamParams = ChatCompletionRequest & { stream: true };

/**
 * `client.chat.completions`: the OpenAI Chat Completions shape, metered by the hub. Each call
 * carries an idempotency key (the same on every retry), so a retried request is charged once.
 */
export class Completions {
  constructor(private readonly transport: Transport) {}

  /**
   * Without `stream`, resolves with the completion (`hub.cost` is what it was charged).
   * With `stream: true`, resolves with an async iterable of chunks; `break` aborts the request.
   */
  create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion>;
  create(params: ChatCompletionStreamParams, options?: RequestOptions): Promise<Stream<ChatCompletionChunk>>;
  create(
    params: ChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<ChatCompletion | Stream<ChatCompletionChunk>>;
  async create(
    params: ChatCompletionRequest,
    options: RequestOptions = {},
  ): Promise<ChatCompletion | Stream<ChatCompletionChunk>> {
    const spec = { method: 'POST', path: '/v1/chat/completions', body: params, idempotent: true } as const;
    if (!params.stream) return this.transport.json<ChatCompletion>(spec, options);
    const body = { ...params, stream_options: { include_usage: true, ...params.stream_options } };
    const response = await this.transport.request<Response>({ ...spec, body, stream: true }, options);
    return new Stream<ChatCompletionChunk>(response, options.signal);
  }

  /**
   * Streams a completion through a helper: `for await (const text of s.textDeltas())`, then
   * `await s.finalMessage()` for the whole message with usage and the hub's charge.
   */
  stream(params: ChatCompletionCreateParams, options?: RequestOptions): ChatCompletionStream {
    return new ChatCompletionStream(this.create({ ...params, stream: true }, options));
  }
}
