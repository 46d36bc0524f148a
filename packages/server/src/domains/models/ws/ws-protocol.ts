import type { ChatCompletionRequest, WsClientMessage } from '@smart-ai-hub/sdk';
import { z } from 'zod';
import { HubError } from '../../../http/hub-error.js';
import { chatRequestSchema } from '../openai/chat-request-schema.js';

/**
 * Client frames of `/api/v1/ws` (see `WsClientMessage` in the SDK's wire types). A `chat.start`
 * frame's `request` is checked apart, by {@link parseChatStartRequest}, after sign-in: as over HTTP,
 * where the caller is authenticated before the body is validated.
 */
export const wsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(1) }),
  z.object({ type: z.literal('chat.start'), id: z.string().min(1).max(200), request: z.unknown() }),
  z.object({ type: z.literal('chat.cancel'), id: z.string().min(1) }),
  z.object({ type: z.literal('ping') }),
]);

/** Parses one text frame: the message, or what is wrong with it. */
export function parseClientMessage(data: string): { message: WsClientMessage } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { problem: 'The frame is not JSON: send one JSON object per text frame' };
  }
  const parsed = wsClientMessageSchema.safeParse(json);
  if (parsed.success) return { message: parsed.data as WsClientMessage };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
  return { problem: `Invalid message: ${issues}` };
}

/**
 * A `chat.start` frame's request, checked by the very schema of `POST /v1/chat/completions` (`n`,
 * `max_tokens`, messages, tools, ...): the same request is refused the same way, with the same
 * code (`validation_error`), on both. Throws that {@link HubError}, issues under `request.`.
 */
export function parseChatStartRequest(request: unknown): ChatCompletionRequest {
  const parsed = chatRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data as ChatCompletionRequest;
  const issues = parsed.error.issues.map((i) => ({
    path: ['request', ...i.path].join('.'),
    message: i.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new HubError(400, 'validation_error', `Invalid request: ${summary}`, { issues });
}
