import { z } from 'zod';
import { idempotencyHeadersSchema } from '../chat/idempotent-completion.js';

const item = z.looseObject({ type: z.string().optional() });
const tool = z.looseObject({ type: z.string().min(1) });

/**
 * `POST /v1/responses`: what the hub checks itself; the translation refuses what it cannot serve
 * (built-in tools, files) by name, and parameters it has no use for are accepted and ignored.
 */
export const responsesRequestSchema = z
  .looseObject({
    model: z.string().min(1).max(200),
    input: z.union([z.string(), z.array(item).max(10_000)]).optional(),
    instructions: z.string().nullable().optional(),
    previous_response_id: z.string().min(1).max(200).nullable().optional(),
    store: z.boolean().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    max_output_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().nullable().optional(),
    top_p: z.number().nullable().optional(),
    tools: z.array(tool).max(512).optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    background: z
      .literal(false, { error: 'background responses are not available through the hub' })
      .nullable()
      .optional(),
    user: z.string().max(256).optional(),
  })
  .refine((body) => body.input !== undefined || body.previous_response_id, {
    message: 'input is required (or previous_response_id to continue a conversation)',
    path: ['input'],
  });

/** `GET /v1/responses/{id}/input_items` query. */
export const inputItemsQuerySchema = z.object({
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  include: z.unknown().optional(),
});

export const responseIdParamsSchema = z.object({ id: z.string().min(1).max(200) });

/** The `Idempotency-Key` header, as the chat route takes it: one metered run per user and key. */
export const responsesHeadersSchema = idempotencyHeadersSchema;
