import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toHubError } from '../../../http/error-handler.js';
import { requireAuth } from '../../../http/guards.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { idempotencyHeadersSchema } from '../chat/idempotent-completion.js';
import { runChatCompletion } from '../completion-pipeline.js';
import { SseWriter } from '../sse-writer.js';
import { anthropicErrorBody, installAnthropicErrors } from './anthropic-errors.js';
import type { AnthropicMessagesRequest } from './anthropic-wire.js';
import { chargeHeaders } from './charge-headers.js';
import { ChatChunksToEvents } from './chat-chunks-to-events.js';
import { chatCompletionToMessage } from './chat-completion-to-message.js';
import { messagesBodySchema } from './messages-schema.js';
import { messagesToChatRequest } from './messages-to-chat-request.js';
import { sseEvent } from './sse-event.js';

/**
 * `POST /v1/messages`: Anthropic's Messages API over the hub's one completion pipeline, for any
 * model of the catalog (Anthropic's natively, OpenAI-family and mock ones translated). Errors
 * answer in Anthropic's shape; the key may come as `Authorization: Bearer` or `x-api-key`.
 */
export async function messagesRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  installAnthropicErrors(app);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/messages',
    {
      schema: { body: messagesBodySchema, headers: idempotencyHeadersSchema },
      onRequest: requireAuth(hub, 'access:ai_models'),
      config: { apiKeyScope: 'models:call' },
    },
    async (request, reply) => {
      const body = request.body as AnthropicMessagesRequest;
      const controller = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const endUser = request.headers['x-hub-end-user'];
      const result = await runChatCompletion(hub, {
        principal: request.principal!,
        request: messagesToChatRequest(body),
        requestId: String(request.id),
        endUser: typeof endUser === 'string' ? endUser : (body.metadata?.user_id ?? undefined),
        signal: controller.signal,
        endpoint: '/v1/messages',
        idempotencyKey: request.headers['idempotency-key'],
      });
      const replayed: Record<string, string> = {
        ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
        ...(result.maxTokensLowered !== undefined
          ? { 'x-hub-max-tokens': String(result.maxTokensLowered) }
          : {}),
      };
      if (result.kind === 'response') {
        reply.headers({ ...chargeHeaders(result.charge), ...replayed });
        return chatCompletionToMessage(result.response, body.model);
      }
      return streamMessage(request, reply, body.model, result.chunks, replayed);
    },
  );
}

async function streamMessage(
  request: FastifyRequest,
  reply: FastifyReply,
  model: string,
  chunks: AsyncIterable<import('@smart-ai-hub/sdk').ChatCompletionChunk>,
  headers: Record<string, string>,
): Promise<void> {
  reply.hijack();
  const sse = new SseWriter(reply.raw);
  sse.open({ ...headers, 'x-request-id': String(request.id), 'request-id': String(request.id) });
  const translator = new ChatChunksToEvents(model);
  try {
    for await (const chunk of chunks) {
      const events = translator.push(chunk);
      if (events.length === 0) continue;
      if (!(await sse.write(events.map(sseEvent).join('')))) return;
    }
    await sse.write(translator.finish().map(sseEvent).join(''));
  } catch (error) {
    // After the first byte there is no status to change: the stream ends with an error event.
    const { error: detail } = anthropicErrorBody(toHubError(error), String(request.id));
    if (toHubError(error).code === 'internal_error') request.log.error({ err: error }, 'stream failed');
    await sse.write(sseEvent({ type: 'error', error: detail } as { type: string }));
  } finally {
    sse.end();
  }
}
