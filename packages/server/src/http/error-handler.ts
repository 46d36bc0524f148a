import type { ErrorEnvelope } from '@smart-ai-hub/sdk';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HubError } from './hub-error.js';

/** Builds the native API's error envelope. */
export function errorEnvelope(request: FastifyRequest, error: HubError): ErrorEnvelope {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId: String(request.id),
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

/** Maps any thrown error to a {@link HubError}: ours as they are, Fastify's by code, the rest as 500. */
export function toHubError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  const e = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(e)) {
    const issues = e.validation.map((v) => ({
      path: `${e.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'is invalid',
    }));
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return new HubError(400, 'validation_error', `Invalid request: ${summary}`, { issues });
  }
  if (e?.validation) {
    return new HubError(400, 'validation_error', `Invalid request: ${e.message}`);
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HubError(400, 'invalid_json', `The request body is not valid JSON: ${e.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HubError(413, 'payload_too_large', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HubError(415, 'unsupported_media_type', `Unsupported Content-Type: ${e.message}`);
  }
  if (e instanceof SyntaxError && (e as FastifyError).statusCode === 400) {
    return new HubError(400, 'invalid_json', `The request body is not valid JSON: ${e.message}`);
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HubError(e.statusCode, e.statusCode === 404 ? 'not_found' : 'validation_error', e.message);
  }
  return new HubError(
    500,
    'internal_error',
    'Internal error: the hub logged the details under this request id',
  );
}

/** 5xx answers that sending again will not fix: clients (the SDK honours it) should not retry. */
const NOT_RETRYABLE: ReadonlySet<string> = new Set(['payments_not_configured', 'not_implemented']);

/** How one wire format (native, OpenAI, Anthropic) shapes an error's body. */
export type ErrorBodyShape = (request: FastifyRequest, error: HubError) => unknown;

/** The native API's shape: `{ error: { code, message, requestId, details? } }`. */
export const nativeErrorBody: ErrorBodyShape = errorEnvelope;

/**
 * The one error sender of the hub, for every wire format: maps anything thrown to a
 * {@link HubError} (whose status the code decides), logs what is the hub's own fault, sets
 * `Retry-After` and `x-should-retry`, and sends the body in the caller's `shape`.
 */
export function sendHubError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  shape: ErrorBodyShape = nativeErrorBody,
): FastifyReply {
  const hubError = toHubError(error);
  if (hubError.statusCode >= 500 && !(error instanceof HubError)) {
    request.log.error({ err: error }, 'unhandled error');
  } else if (hubError.statusCode >= 500) {
    request.log.warn({ code: hubError.code }, hubError.message);
  }
  if (hubError.retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(hubError.retryAfter)));
  if (NOT_RETRYABLE.has(hubError.code)) reply.header('x-should-retry', 'false');
  return reply.code(hubError.statusCode).send(shape(request, hubError));
}

/** Installs the envelope for every error and every unknown route of this Fastify context. */
export function installErrorEnvelope(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendHubError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendHubError(
      request,
      reply,
      new HubError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
