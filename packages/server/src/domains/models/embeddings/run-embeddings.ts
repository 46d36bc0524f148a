import { newId } from '@smart-ai-hub/adapters';
import type { EmbeddingsRequest, EmbeddingsResponse } from '@smart-ai-hub/sdk';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import type { Principal } from '../../auth/principal.js';
import { assertModelAllowed } from '../allowed-models.js';
import { type CatalogDeployment, costOf } from '../catalog/model-catalog.js';
import { hubField } from '../completion-pipeline.js';
import { type ChargeInfo, Meter } from '../metering/meter.js';
import { checkRateLimits } from '../metering/rate-limits.js';
import { routeCall } from '../routing/route-call.js';
import {
  type EmbeddingsProvider,
  embeddingsProviderFor,
  estimateEmbeddingTokens,
} from './embeddings-provider.js';

/** One embeddings request for an authenticated caller. */
export interface EmbeddingsCall {
  principal: Principal;
  request: EmbeddingsRequest;
  requestId: string;
  endUser?: string;
  signal: AbortSignal;
}

const providers = new WeakMap<HubContext, Map<string, EmbeddingsProvider | undefined>>();

function providerOf(
  hub: HubContext,
  deployment: CatalogDeployment,
  model: { config: { deployments: Array<{ id: string }> } },
) {
  let cache = providers.get(hub);
  if (!cache) {
    cache = new Map();
    providers.set(hub, cache);
  }
  if (!cache.has(deployment.id)) {
    const config = model.config.deployments.find((d) => d.id === deployment.id);
    const env = { ...process.env, ...(hub.config.env as unknown as Record<string, string | undefined>) };
    cache.set(
      deployment.id,
      config ? embeddingsProviderFor(config as Parameters<typeof embeddingsProviderFor>[0], env) : undefined,
    );
  }
  return cache.get(deployment.id);
}

/**
 * Embeddings, metered like chat: model and key checks, rate limits, a hold for the input's
 * worst case (402 before any upstream call), the upstream with retries and fallback, a settle
 * to the reported prompt tokens, a usage row.
 */
export async function runEmbeddings(
  hub: HubContext,
  call: EmbeddingsCall,
): Promise<{ response: EmbeddingsResponse; charge: ChargeInfo }> {
  const service = hub.services.models;
  const { principal, request } = call;
  const started = Date.now();
  const model = service.catalog.resolve(request.model);
  if (!model)
    throw new HubError(
      404,
      'not_found',
      `Model ${request.model} not found: GET /v1/models lists the models you may use`,
    );
  assertModelAllowed(principal, model, request.model);
  const deployments = model.deployments.filter((d) => providerOf(hub, d, model));
  if (deployments.length === 0) {
    throw new HubError(400, 'validation_error', `The model ${model.id} does not serve embeddings`);
  }
  const estimate = estimateEmbeddingTokens(request.input);
  await checkRateLimits(hub.coordination.rateLimiter, principal, service.rateLimits, estimate);
  // Token arrays are exact; text is bounded at 1 token per 2 characters, as for chat prompts.
  const bound = estimate * 2 + 8;
  const meter = await Meter.open(hub, {
    principal,
    amount: costOf(model, bound, 0),
    requestId: call.requestId,
    model: model.id,
  });

  const log = (facts: {
    status: string;
    errorCode?: string;
    deployment?: CatalogDeployment;
    tokens: number;
    cost: number;
  }) =>
    service.usage.push({
      id: newId('use'),
      request_id: call.requestId,
      user_id: principal.userId,
      api_key_id: principal.apiKey?.id ?? null,
      end_user: call.endUser ?? request.user ?? null,
      model: model.id,
      provider: facts.deployment?.provider ?? null,
      deployment: facts.deployment?.id ?? null,
      endpoint: '/v1/embeddings',
      input_tokens: facts.tokens,
      output_tokens: 0,
      cost: facts.cost,
      latency_ms: Date.now() - started,
      status: facts.status,
      error_code: facts.errorCode ?? null,
      created_at: Date.now(),
    });

  let routed: { result: EmbeddingsResponse; deployment: CatalogDeployment };
  try {
    routed = await routeCall(
      { ...model, deployments },
      (d) =>
        providerOf(hub, d, model)!.embed(
          { ...request, model: d.upstreamModel },
          { signal: call.signal, requestId: call.requestId },
        ),
      { policy: service.retryPolicy, breaker: (id) => service.breaker(id), signal: call.signal },
    );
  } catch (error) {
    await meter.release(call.signal.aborted ? 'client closed' : 'upstream failed');
    log({
      status: call.signal.aborted ? 'cancelled' : 'error',
      errorCode: error instanceof HubError ? error.code : 'internal_error',
      tokens: 0,
      cost: 0,
    });
    throw error;
  }
  const { result, deployment } = routed;
  const tokens = result.usage?.prompt_tokens ?? estimate;
  const outcome = await meter.settle(costOf(model, tokens, 0), `${model.id} (/v1/embeddings): ${tokens} in`, {
    model: model.id,
    deployment: deployment.id,
    inputTokens: tokens,
  });
  log({ status: 'ok', deployment, tokens, cost: outcome.charged });
  const charge: ChargeInfo = {
    cost: outcome.charged,
    balance: outcome.balance.balance,
    inputTokens: tokens,
    outputTokens: 0,
    cached: false,
  };
  return { response: { ...result, model: model.id, hub: hubField(charge, call.requestId) }, charge };
}
