import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendHubError } from '../../../http/error-handler.js';
import type { HubError } from '../../../http/hub-error.js';
import type { AnthropicErrorBody } from './anthropic-wire.js';

/** Anthropic's error `type` for an HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
      return status === 413 ? 'request_too_large' : 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    case 503:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** A hub error in Anthropic's shape (the hub's code leads the message, so no fact is lost). */
export function anthropicErrorBody(error: HubError, requestId: string): AnthropicErrorBody {
  return {
    type: 'error',
    error: {
      type: anthropicErrorType(error.statusCode),
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    },
    request_id: requestId,
  };
}

/** Sends any thrown error in Anthropic's shape (the hub's one sender, see `sendHubError`). */
export function sendAnthropicError(
  request: FastifyRequest,
  reply: FastifyReply,
  thrown: unknown,
): FastifyReply {
  reply.header('request-id', String(request.id));
  return sendHubError(request, reply, thrown, (req, error) => anthropicErrorBody(error, String(req.id)));
}

/** Makes every error of this Fastify context answer in Anthropic's shape. */
export function installAnthropicErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendAnthropicError(request, reply, error));
}
