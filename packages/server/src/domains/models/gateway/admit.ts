import { HubError } from '../../../http/hub-error.js';
import type { Principal } from '../../auth/principal.js';
import { assertModelAllowed } from '../allowed-models.js';
import type { CatalogModel } from '../catalog/model-catalog.js';
import { checkRateLimits } from '../metering/rate-limits.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { MeteredCall } from './metered-call.js';

/**
 * The first stage: the model the caller named (id or alias), if it exists (404) and the caller's
 * key may use it (403 `model_not_allowed`).
 */
export function admitModel(
  deps: Pick<GatewayDeps, 'catalog'>,
  principal: Principal,
  name: string,
): CatalogModel {
  const model = deps.catalog.resolve(name);
  if (!model) {
    throw new HubError(
      404,
      'not_found',
      `Model ${name} not found: GET /v1/models lists the models you may use`,
    );
  }
  assertModelAllowed(principal, model, name);
  return model;
}

/**
 * Counts the request against the caller's per-minute limits (429 `rate_limited` with
 * `Retry-After`), with a guess of its prompt tokens; output tokens are added after the answer.
 */
export function admitRequest(
  deps: Pick<GatewayDeps, 'rateLimiter' | 'rateLimits' | 'metrics'>,
  call: MeteredCall,
  promptTokensGuess: number,
): Promise<void> {
  return checkRateLimits(deps.rateLimiter, call.principal, deps.rateLimits, promptTokensGuess, (refused) =>
    deps.metrics.rateLimited(call.model.id, refused.scope, refused.unit),
  );
}
