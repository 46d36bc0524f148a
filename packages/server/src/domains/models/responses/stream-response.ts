import type { ResponseObject, ResponseStreamEvent } from '@smart-ai-hub/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toHubError } from '../../../http/error-handler.js';
import { sseEvent } from '../anthropic/sse-event.js';
import { type ChatCompletionResult, hubField } from '../completion-pipeline.js';
import { SseWriter } from '../sse-writer.js';
import { ChatChunksToResponseEvents } from './chat-chunks-to-response-events.js';

/** What streaming one response needs. */
export interface ResponseStreamJob {
  request: FastifyRequest;
  reply: FastifyReply;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  result: Extract<ChatCompletionResult, { kind: 'stream' }>;
  /** The response as it starts (`in_progress`). */
  started: ResponseObject;
  /** Keeps the response as it ended (when the request stores it). */
  save?: (response: ResponseObject) => Promise<void>;
}

/**
 * Streams a response as server-sent events (`event: <type>`), translating the metered chat
 * stream. It ends on `response.completed` / `response.incomplete` (usage and the hub's charge in
 * its `response`), or, when the upstream fails after the first byte, on an `error` event and
 * `response.failed` (what was delivered is charged). A stored response is saved before its last
 * event goes out, so the client may continue from it at once. A client that leaves stops the
 * upstream and pays what was produced; the response is kept as `cancelled`.
 */
export async function streamResponse(job: ResponseStreamJob): Promise<void> {
  const { request, reply, signal, result, started, save } = job;
  const requestId = String(request.id);
  reply.hijack();
  const sse = new SseWriter(reply.raw);
  sse.open(reply.getHeaders());
  const translator = new ChatChunksToResponseEvents(started);
  const write = (events: ResponseStreamEvent[]) => sse.write(events.map(sseEvent).join(''));
  const charge = () =>
    result.done.then(
      (info) => hubField(info, requestId),
      () => undefined,
    );
  const keep = async (response: ResponseObject) => {
    try {
      await save?.(response);
    } catch (error) {
      request.log.error({ err: error, responseId: response.id }, 'storing a response failed');
    }
  };
  let left = false;
  try {
    await write(translator.start());
    for await (const chunk of result.chunks) {
      const events = translator.push(chunk);
      if (events.length > 0 && !(await write(events))) {
        left = true;
        break;
      }
    }
    if (left || signal.aborted) {
      await keep(translator.cancel(await charge()));
      return;
    }
    const closing = translator.finish();
    await save?.(translator.snapshot());
    await write(closing);
  } catch (error) {
    if (signal.aborted) {
      await keep(translator.cancel(await charge()));
      return;
    }
    const hubError = toHubError(error);
    if (hubError.code === 'internal_error') request.log.error({ err: error }, 'response stream failed');
    const closing = translator.fail({ code: hubError.code, message: hubError.message }, await charge());
    await keep(translator.snapshot());
    await write(closing);
  } finally {
    sse.end();
  }
}
