import type { ChatCompletionRequest } from '@smart-ai-hub/sdk';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { toHubError } from '../../../http/error-handler.js';
import { requireAuth } from '../../../http/guards.js';
import type { HubContext } from '../../../hub/hub-context.js';
import { unitsToCredits } from '../../credits/money.js';
import { idempotencyHeadersSchema } from '../chat/idempotent-completion.js';
import { type ChargeInfo, runChatCompletion } from '../completion-pipeline.js';
import { SseWriter } from '../sse-writer.js';
import { chatRequestSchema } from './chat-request-schema.js';
import { clientAbortSignal } from './client-abort.js';
import { openAIErrorBody } from './openai-errors.js';

/** The hub's charge as response headers (credits). */
export function chargeHeaders(reply: FastifyReply, charge: ChargeInfo): void {
  reply.header('x-hub-cost', String(unitsToCredits(charge.cost)));
  reply.header('x-hub-balance', String(unitsToCredits(charge.balance)));
  if (charge.cached) reply.header('x-hub-cache', 'hit');
}

/**
 * `POST /v1/chat/completions` in OpenAI's wire format: a thin adapter over `runChatCompletion`.
 * Streams as SSE; a failure after the first byte ends the stream with an `error` event.
 */
export async function chatCompletionsRoute(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post(
    '/v1/chat/completions',
    {
      schema: { body: chatRequestSchema, headers: idempotencyHeadersSchema },
      onRequest: requireAuth(hub, 'access:ai_models'),
      config: { apiKeyScope: 'models:call' },
    },
    async (request, reply) => {
      const body = request.body as ChatCompletionRequest;
      const endUser = request.headers['x-hub-end-user'];
      const signal = clientAbortSignal(reply);
      const result = await runChatCompletion(hub, {
        principal: request.principal!,
        request: body,
        requestId: String(request.id),
        endUser: typeof endUser === 'string' && endUser ? endUser.slice(0, 256) : undefined,
        signal,
        endpoint: '/v1/chat/completions',
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      if (result.maxTokensLowered !== undefined)
        reply.header('x-hub-max-tokens', String(result.maxTokensLowered));
      if (result.kind === 'response') {
        chargeHeaders(reply, result.charge);
        return reply.send(result.response);
      }

      reply.hijack();
      const sse = new SseWriter(reply.raw);
      sse.open(reply.getHeaders());
      try {
        for await (const chunk of result.chunks) {
          if (sse.closed) break;
          await sse.data(JSON.stringify(chunk));
        }
        await sse.data('[DONE]');
      } catch (error) {
        if (!signal.aborted) {
          const hubError = toHubError(error);
          if (hubError.statusCode >= 500 && hubError.code === 'internal_error')
            request.log.error({ err: error }, 'stream failed');
          await sse.data(JSON.stringify(openAIErrorBody(hubError)));
        }
      } finally {
        sse.end();
      }
    },
  );
}
