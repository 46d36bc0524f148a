import { z } from 'zod';

const part = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(part), z.null()]);

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: content.optional(),
});

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

/**
 * `POST /v1/chat/completions`: what the hub checks itself; other OpenAI parameters are passed
 * through to the upstream, which judges them.
 */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(message).min(1).max(10_000),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  n: z.literal(1, { error: 'the hub answers one choice per request: n must be 1' }).nullable().optional(),
  tools: z.array(tool).max(512).optional(),
  user: z.string().max(256).optional(),
});
