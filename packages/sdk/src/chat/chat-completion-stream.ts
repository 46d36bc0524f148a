import { APIUserAbortError } from '../core/errors.js';
import type { Stream } from '../core/stream.js';
import type {
  ChatCompletionChunk,
  ChatFinishReason,
  ChatToolCall,
  ChatUsage,
  HubCharge,
} from '../wire/chat.js';

/** The whole streamed answer, once the stream ended. */
export interface ChatFinalMessage {
  id: string;
  model: string;
  message: { role: 'assistant'; content: string; tool_calls?: ChatToolCall[] };
  finishReason: ChatFinishReason | null;
  usage: ChatUsage | undefined;
  /** What the hub charged (credits) and the balance left, from the last chunk. */
  hub: HubCharge | undefined;
}

/**
 * A streamed chat completion with helpers: iterate it for raw chunks, or `textDeltas()` for the
 * text only; `finalMessage()` resolves with the assembled message, usage and cost (reading the
 * rest of the stream if nobody else does). Leaving a loop early aborts the request.
 */
export class ChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  private started = false;
  private readonly final: Promise<ChatFinalMessage>;
  private settle!: { resolve(value: ChatFinalMessage): void; reject(error: unknown): void };
  private readonly state: ChatFinalMessage = {
    id: '',
    model: '',
    message: { role: 'assistant', content: '' },
    finishReason: null,
    usage: undefined,
    hub: undefined,
  };

  constructor(private readonly stream: Promise<Stream<ChatCompletionChunk>>) {
    stream.catch(() => {}); // surfaced through iteration or finalMessage()
    this.final = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.final.catch(() => {});
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.started) throw new Error('A stream can be iterated only once');
    this.started = true;
    let ended = false;
    try {
      for await (const chunk of await this.stream) {
        this.accumulate(chunk);
        yield chunk;
      }
      ended = true;
      this.settle.resolve(this.state);
    } catch (error) {
      ended = true;
      this.settle.reject(error);
      throw error;
    } finally {
      if (!ended) this.settle.reject(new APIUserAbortError('The stream was closed before it ended'));
    }
  }

  /** The text as it arrives. */
  async *textDeltas(): AsyncGenerator<string> {
    for await (const chunk of this) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) yield text;
    }
  }

  /** The assembled message with usage and the hub's charge, once the stream ends. */
  async finalMessage(): Promise<ChatFinalMessage> {
    if (!this.started) for await (const _ of this);
    return this.final;
  }

  /** Stops the stream and aborts the request. */
  abort(): void {
    this.stream.then(
      (s) => s.abort(),
      () => {},
    );
  }

  private accumulate(chunk: ChatCompletionChunk): void {
    const state = this.state;
    state.id ||= chunk.id;
    state.model ||= chunk.model;
    if (chunk.usage) state.usage = chunk.usage;
    if (chunk.hub) state.hub = chunk.hub;
    const choice = chunk.choices[0];
    if (!choice) return;
    if (choice.finish_reason) state.finishReason = choice.finish_reason;
    if (choice.delta.content) state.message.content += choice.delta.content;
    for (const delta of choice.delta.tool_calls ?? []) {
      state.message.tool_calls ??= [];
      state.message.tool_calls[delta.index] ??= {
        id: '',
        type: 'function',
        function: { name: '', arguments: '' },
      };
      const call = state.message.tool_calls[delta.index]!;
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.function.name += delta.function.name;
      if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
    }
  }
}
