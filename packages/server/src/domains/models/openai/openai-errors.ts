import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendHubError } from '../../../http/error-handler.js';
import type { HubError } from '../../../http/hub-error.js';

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string;
    /** The hub's extra facts (amounts of a 402, ...): vendor clients ignore it, the hub's SDK reads it. */
    details?: Record<string, unknown>;
  };
}

function typeFor(status: number): string {
  if (status === 400 || status === 404 || status === 409 || status === 413 || status === 415)
    return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return 'api_error';
}

/** A hub error in OpenAI's shape (the `code` is the hub's stable error code). */
export function openAIErrorBody(error: HubError): OpenAIErrorBody {
  const param =
    (error.details?.issues as Array<{ path: string }> | undefined)?.[0]?.path.replace(/^body\./, '') ?? null;
  return {
    error: {
      message: error.message,
      type: typeFor(error.statusCode),
      param,
      code: error.code,
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

/** Sends any error in OpenAI's shape (the hub's one sender, see `sendHubError`). */
export function sendOpenAIError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  return sendHubError(request, reply, error, (_request, hubError) => openAIErrorBody(hubError));
}

/** Makes every error of this Fastify context answer in OpenAI's shape. */
export function installOpenAIErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => sendOpenAIError(request, reply, error));
}
