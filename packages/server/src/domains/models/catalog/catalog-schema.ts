import { z } from 'zod';
import { isCreditAmount } from '../../credits/money.js';

/**
 * Credits per million tokens: a non-negative number with at most 6 decimals (one micro-credit per
 * million tokens is the finest price the ledger can hold exactly).
 */
const price = z.number().min(0).max(1_000_000).refine(isCreditAmount, {
  message: 'prices have at most 6 decimals (0.000001 credits is the smallest step)',
});

/**
 * One place a model is served: a provider, the model id the upstream knows, and how to reach it.
 * The key is read from the file (`apiKey`) or, better, from an environment variable (`apiKeyEnv`).
 */
export const deploymentSchema = z
  .object({
    /** Unique across the catalog; shown on usage rows and in `/api/v1/admin/providers`. */
    id: z.string().min(1).max(100),
    /** `mock`, `openai`, `anthropic`, `openai-compatible`, or a custom provider's name. */
    provider: z.string().min(1),
    /** The upstream's model id (default: the hub model's id). */
    model: z.string().min(1).optional(),
    baseURL: z.url().optional(),
    apiKey: z.string().min(1).optional(),
    apiKeyEnv: z.string().min(1).optional(),
    /** The longest one upstream call may take, headers to last byte, ms (default 600,000). */
    timeoutMs: z.number().int().positive().optional(),
    /** Options for the mock provider: words per answer and delay per chunk. */
    mock: z
      .object({ words: z.number().int().min(0).optional(), chunkDelayMs: z.number().min(0).optional() })
      .optional(),
  })
  .strict();

export const modelSchema = z
  .object({
    id: z.string().min(1).max(200),
    aliases: z.array(z.string().min(1)).default([]),
    /** Credits per million input tokens. */
    inputPrice: price,
    /** Credits per million output tokens. */
    outputPrice: price,
    /**
     * Credits per request answered from the response cache. Unset: a hit costs what the cached
     * answer's tokens cost at this model's prices.
     */
    cachePrice: price.optional(),
    contextWindow: z.number().int().positive().default(128_000),
    maxOutputTokens: z.number().int().positive().default(4_096),
    /** Serve exact repeats from the response cache (only the operator turns it on). */
    cache: z.boolean().default(false),
    /** Whose answers a hit may serve: the same user's only (default), or anyone's (`shared`). */
    cacheScope: z.enum(['user', 'shared']).default('user'),
    /** Tried in order: the next one is the fallback when one fails before its first byte. */
    deployments: z.array(deploymentSchema).min(1),
  })
  .strict();

const rateLimitSchema = z
  .object({
    requestsPerMinute: z.number().int().positive().optional(),
    tokensPerMinute: z.number().int().positive().optional(),
  })
  .strict();

/** The `models` section of `HUB_CONFIG`. */
export const modelsFileSchema = z
  .object({
    /** The catalog. Without it: the built-in mock models (plus OpenAI/Anthropic when their keys are set). */
    models: z.array(modelSchema).optional(),
    /** Keep the built-in models beside the file's (default: only when the file lists none). */
    includeDefaults: z.boolean().optional(),
    rateLimits: z
      .object({ user: rateLimitSchema.optional(), apiKey: rateLimitSchema.optional() })
      .strict()
      .optional(),
    /** Response cache time to live, seconds (default 3600). */
    cacheTtlSeconds: z.number().int().positive().optional(),
    retry: z
      .object({
        /** Retries per deployment before falling back (default 2). */
        maxRetries: z.number().int().min(0).max(10).optional(),
        /** First backoff, ms (default 200); doubles per retry, with full jitter. */
        baseDelayMs: z.number().int().min(0).optional(),
        /** Longest wait, ms (default 8000); a longer Retry-After falls back at once. */
        maxDelayMs: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    circuitBreaker: z
      .object({
        /** Consecutive failures that open the circuit (default 5). */
        failureThreshold: z.number().int().positive().optional(),
        /** How long it stays open before one trial request, ms (default 30000). */
        cooldownMs: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type ModelsFileConfig = z.infer<typeof modelsFileSchema>;
/** The `models` settings as written (defaults optional): what `createHub({ models })` takes. */
export type ModelsFileInput = z.input<typeof modelsFileSchema>;
export type ModelConfigInput = z.input<typeof modelSchema>;
