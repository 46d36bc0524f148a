import { createHash } from 'node:crypto';
import type { ChatCompletion, ChatCompletionRequest } from '@smart-ai-hub/sdk';
import type { GatewayDeps } from '../gateway/gateway-deps.js';

/**
 * The exact-match response cache, on models where the operator turned it on (`cache: true`): the
 * same model and the same request (every field but `stream`, `stream_options` and `user`) get the
 * same answer, through the coordination port's cache (so replicas share it with Redis). Answers
 * are kept per user (`owner`) unless the operator shares them across users (`cacheScope:
 * 'shared'`). Only complete answers are stored.
 */
export function cacheKeyOf(modelId: string, request: ChatCompletionRequest, owner?: string): string {
  const { stream: _s, stream_options: _o, user: _u, model: _m, ...rest } = request;
  const digest = createHash('sha256').update(JSON.stringify(rest)).digest('base64url');
  return owner === undefined
    ? `chat-cache:${modelId}:${digest}`
    : `chat-cache:${modelId}:u:${owner}:${digest}`;
}

export async function readCachedCompletion(
  deps: Pick<GatewayDeps, 'cache'>,
  key: string,
): Promise<ChatCompletion | null> {
  const value = await deps.cache.get(key);
  return value ? (JSON.parse(value) as ChatCompletion) : null;
}

export async function writeCachedCompletion(
  deps: Pick<GatewayDeps, 'cache' | 'cacheTtlMs' | 'log'>,
  key: string,
  response: ChatCompletion,
): Promise<void> {
  const { hub: _charge, ...answer } = response;
  try {
    await deps.cache.set(key, JSON.stringify(answer), deps.cacheTtlMs);
  } catch (error) {
    deps.log.warn({ err: error }, 'response not cached');
  }
}
