import { newId } from '@smart-ai-hub/adapters';
import type {
  ChatCompletionChunk,
  ChatFinishReason,
  ChatUsage,
  HubCharge,
  ResponseFunctionCall,
  ResponseObject,
  ResponseOutputMessage,
  ResponseStreamEvent,
} from '@smart-ai-hub/sdk';
import { finishedStatus, responseUsageOf } from './response-object.js';

/** An event before its sequence number is given. */
type Draft = ResponseStreamEvent extends infer E
  ? E extends unknown
    ? Omit<E, 'sequence_number'>
    : never
  : never;

interface OpenMessage {
  index: number;
  item: ResponseOutputMessage;
  /** The open content part: its index and kind; -1 when none is open. */
  part: number;
  kind: 'output_text' | 'refusal' | null;
  text: string;
}

interface OpenCall {
  index: number;
  item: ResponseFunctionCall;
}

/**
 * Turns the hub's chat chunks (OpenAI's chat stream) into the Responses API's typed events, one
 * chunk at a time, numbered by `sequence_number` from 0: `response.created` and
 * `response.in_progress` first; an output message item per run of text (`output_item.added`,
 * `content_part.added`, `output_text.delta`..., then the `.done` events) and a `function_call`
 * item per tool call (`function_call_arguments.delta`...); and last `response.completed` (or
 * `response.incomplete` when cut by the output limit, `response.failed` on an error) with the
 * usage and the hub's charge. Keeps the response it spells out, for the store.
 */
export class ChatChunksToResponseEvents {
  private sequence = 0;
  private readonly response: ResponseObject;
  private message: OpenMessage | undefined;
  /** Chat tool-call index -> its open item. */
  private readonly calls = new Map<number, OpenCall>();
  private finishReason: ChatFinishReason | null = null;
  private usage: ChatUsage | undefined;
  private hub: HubCharge | undefined;

  constructor(started: ResponseObject) {
    this.response = { ...started, output: [] };
  }

  /** The opening events. */
  start(): ResponseStreamEvent[] {
    return this.numbered([
      { type: 'response.created', response: this.copy() },
      { type: 'response.in_progress', response: this.copy() },
    ]);
  }

  /** The events one chunk produces (none for a role-only or usage chunk). */
  push(chunk: ChatCompletionChunk): ResponseStreamEvent[] {
    const events: Draft[] = [];
    if (chunk.usage) this.usage = chunk.usage;
    if (chunk.hub) this.hub = chunk.hub;
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const { content, refusal, tool_calls: calls } = choice.delta;
      if (typeof content === 'string' && content !== '') this.appendText(events, 'output_text', content);
      if (typeof refusal === 'string' && refusal !== '') this.appendText(events, 'refusal', refusal);
      for (const call of calls ?? []) this.appendCall(events, call);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return this.numbered(events);
  }

  /** The closing events once the chunks ended normally: `response.completed` or `.incomplete`. */
  finish(): ResponseStreamEvent[] {
    const finished = finishedStatus(this.finishReason);
    const events: Draft[] = [];
    this.closeAll(events, finished.status === 'completed' ? 'completed' : 'incomplete');
    Object.assign(this.response, finished, {
      completed_at: Math.floor(Date.now() / 1000),
      usage: responseUsageOf(this.usage),
      ...(this.hub ? { hub: this.hub } : {}),
    });
    events.push({
      type: finished.status === 'completed' ? 'response.completed' : 'response.incomplete',
      response: this.copy(),
    });
    return this.numbered(events);
  }

  /**
   * The closing events of a stream that failed after it began: the open items end `incomplete`,
   * an `error` event, then `response.failed` with the error and what was charged.
   */
  fail(error: { code: string; message: string }, charge: HubCharge | undefined): ResponseStreamEvent[] {
    const events: Draft[] = [];
    this.closeAll(events, 'incomplete');
    Object.assign(this.response, {
      status: 'failed',
      error: { code: error.code, message: error.message },
      ...(charge ? { hub: charge } : {}),
    });
    events.push({ type: 'error', code: error.code, message: error.message, param: null });
    events.push({ type: 'response.failed', response: this.copy() });
    return this.numbered(events);
  }

  /** The response as a client that left mid-stream leaves it: `cancelled`, with what was produced. */
  cancel(charge: HubCharge | undefined): ResponseObject {
    this.closeAll([], 'incomplete');
    Object.assign(this.response, { status: 'cancelled', ...(charge ? { hub: charge } : {}) });
    return this.copy();
  }

  /** The response so far (after `finish`, `fail` or `cancel`: as it ended). */
  snapshot(): ResponseObject {
    return this.copy();
  }

  private appendText(events: Draft[], kind: 'output_text' | 'refusal', delta: string): void {
    let message = this.message;
    if (!message) {
      const item: ResponseOutputMessage = {
        type: 'message',
        id: newId('msg'),
        role: 'assistant',
        status: 'in_progress',
        content: [],
      };
      message = { index: this.response.output.length, item, part: -1, kind: null, text: '' };
      this.message = message;
      this.response.output.push(item);
      events.push({ type: 'response.output_item.added', output_index: message.index, item: clone(item) });
    }
    const where = { item_id: message.item.id, output_index: message.index };
    if (message.kind !== kind) {
      this.closePart(events, message);
      message.part = message.item.content.length;
      message.kind = kind;
      message.text = '';
      const part =
        kind === 'output_text' ? { type: kind, text: '', annotations: [] } : { type: kind, refusal: '' };
      message.item.content.push(part);
      events.push({
        type: 'response.content_part.added',
        ...where,
        content_index: message.part,
        part: clone(part),
      });
    }
    message.text += delta;
    const at = { ...where, content_index: message.part };
    if (kind === 'output_text')
      events.push({ type: 'response.output_text.delta', ...at, delta, logprobs: [] });
    else events.push({ type: 'response.refusal.delta', ...at, delta });
  }

  private appendCall(
    events: Draft[],
    call: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number],
  ): void {
    let open = this.calls.get(call.index);
    if (!open) {
      // A tool call ends the text before it.
      if (this.message) this.closeMessage(events, this.message, 'completed');
      const item: ResponseFunctionCall = {
        type: 'function_call',
        id: newId('fc'),
        call_id: call.id ?? newId('call'),
        name: call.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      open = { index: this.response.output.length, item };
      this.calls.set(call.index, open);
      this.response.output.push(item);
      events.push({ type: 'response.output_item.added', output_index: open.index, item: clone(item) });
    } else if (call.function?.name) {
      open.item.name += call.function.name;
    }
    const fragment = call.function?.arguments;
    if (fragment) {
      open.item.arguments += fragment;
      events.push({
        type: 'response.function_call_arguments.delta',
        item_id: open.item.id,
        output_index: open.index,
        delta: fragment,
      });
    }
  }

  private closePart(events: Draft[], message: OpenMessage): void {
    if (message.part < 0 || message.kind === null) return;
    const where = { item_id: message.item.id, output_index: message.index, content_index: message.part };
    if (message.kind === 'output_text') {
      message.item.content[message.part] = { type: 'output_text', text: message.text, annotations: [] };
      events.push({ type: 'response.output_text.done', ...where, text: message.text, logprobs: [] });
    } else {
      message.item.content[message.part] = { type: 'refusal', refusal: message.text };
      events.push({ type: 'response.refusal.done', ...where, refusal: message.text });
    }
    events.push({
      type: 'response.content_part.done',
      ...where,
      part: clone(message.item.content[message.part]!),
    });
    message.part = -1;
    message.kind = null;
  }

  private closeMessage(events: Draft[], message: OpenMessage, status: 'completed' | 'incomplete'): void {
    this.closePart(events, message);
    message.item.status = status;
    events.push({
      type: 'response.output_item.done',
      output_index: message.index,
      item: clone(message.item),
    });
    this.message = undefined;
  }

  private closeAll(events: Draft[], status: 'completed' | 'incomplete'): void {
    if (this.message) this.closeMessage(events, this.message, status);
    for (const open of this.calls.values()) {
      if (open.item.status !== 'in_progress') continue;
      open.item.status = status;
      events.push({
        type: 'response.function_call_arguments.done',
        item_id: open.item.id,
        output_index: open.index,
        name: open.item.name,
        arguments: open.item.arguments,
      });
      events.push({ type: 'response.output_item.done', output_index: open.index, item: clone(open.item) });
    }
  }

  private numbered(events: Draft[]): ResponseStreamEvent[] {
    return events.map((event) => ({ ...event, sequence_number: this.sequence++ }) as ResponseStreamEvent);
  }

  private copy(): ResponseObject {
    return clone(this.response);
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
