import type { WsClientMessage } from '@smart-ai-hub/sdk';
import { z } from 'zod';

/** Client frames of `/api/v1/ws` (see `WsClientMessage` in the SDK's wire types). */
export const wsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(1) }),
  z.object({
    type: z.literal('chat.start'),
    id: z.string().min(1).max(200),
    request: z.looseObject({
      model: z.string().min(1),
      messages: z
        .array(z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']) }))
        .min(1),
    }),
  }),
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
