import type { EmbeddingsRequest, EmbeddingsResponse } from '@smart-ai-hub/sdk';
import { HubError } from '../../../http/hub-error.js';
import type { Principal } from '../../auth/principal.js';
import type { CatalogDeployment } from '../catalog/model-catalog.js';
import { admitModel, admitRequest } from '../gateway/admit.js';
import { hubField } from '../gateway/charge-wire.js';
import type { GatewayDeps } from '../gateway/gateway-deps.js';
import type { MeteredCall } from '../gateway/metered-call.js';
import { quoteAndHold } from '../gateway/quote-and-hold.js';
import { type Routed, routeToUpstream } from '../gateway/route.js';
import { recordRefusal, releaseUnused, settleUsage } from '../gateway/settle.js';
import type { ChargeInfo } from '../metering/meter.js';
import { checkedUsage } from '../metering/usage-check.js';
import type { EmbeddingsProvider } from './embeddings-provider.js';
import { countEmbeddingTokens, embeddingTokensBound } from './embeddings-quote.js';

/** One embeddings request for an authenticated caller. */
export interface EmbeddingsCall {
  principal: Principal;
  request: EmbeddingsRequest;
  requestId: string;
  endUser?: string;
  signal: AbortSignal;
}

/**
 * The embeddings operation, over the same stages as chat: admit (model, key, limits) -> quote and
 * hold the input's worst case (402 before any upstream call) -> route to a deployment that serves
 * embeddings -> settle to the reported (checked) prompt tokens, else the hub's count -> usage row.
 */
export async function runEmbeddings(
  deps: GatewayDeps,
  embeddingsOf: (deployment: CatalogDeployment) => EmbeddingsProvider | undefined,
  input: EmbeddingsCall,
): Promise<{ response: EmbeddingsResponse; charge: ChargeInfo }> {
  const { principal, request } = input;
  const model = admitModel(deps, principal, request.model);
  const deployments = model.deployments.filter((d) => embeddingsOf(d));
  if (deployments.length === 0) {
    throw new HubError(400, 'validation_error', `The model ${model.id} does not serve embeddings`);
  }
  const call: MeteredCall = {
    principal,
    model,
    requestId: input.requestId,
    endpoint: '/v1/embeddings',
    endUser: input.endUser ?? request.user ?? null,
    signal: input.signal,
    started: Date.now(),
  };
  const promptBound = embeddingTokensBound(request.input);
  const quote = { promptBound, outputBound: 0, maxOutput: 0, outputLimitFree: false };
  let meter: Awaited<ReturnType<typeof quoteAndHold>>['meter'];
  try {
    await admitRequest(deps, call, Math.ceil(promptBound / 4));
    ({ meter } = await quoteAndHold(deps, call, quote));
  } catch (error) {
    recordRefusal(deps, call, error);
    throw error;
  }
  let routed: Routed<EmbeddingsResponse>;
  try {
    routed = await routeToUpstream(
      deps,
      call,
      (d) =>
        embeddingsOf(d)!.embed(
          { ...request, model: d.upstreamModel },
          { signal: call.signal, requestId: call.requestId },
        ),
      { ...model, deployments },
      'embeddings',
    );
  } catch (error) {
    await releaseUnused(deps, call, meter, error);
    throw error;
  }
  const { result, deployment } = routed;
  const reported = checkedUsage({ prompt_tokens: result.usage?.prompt_tokens, completion_tokens: 0 }, quote);
  const usage = reported ?? { input: await countEmbeddingTokens(request.input), output: 0 };
  routed.upstream.finished({ inputTokens: usage.input, responseModel: result.model });
  const charge = await settleUsage(deps, call, meter, usage, { status: 'ok', deployment });
  return { response: { ...result, model: model.id, hub: hubField(charge, call.requestId) }, charge };
}
