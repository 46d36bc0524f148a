import { HubError } from '../../http/hub-error.js';
import type { Principal } from '../auth/principal.js';
import type { CatalogModel } from './catalog/model-catalog.js';

/**
 * The one rule for an API key's allowed models. The key's list names models by id or alias; a
 * model it names is allowed by every name (its id and each alias): listed by `GET /v1/models` and
 * `/api/v1/models`, callable on every endpoint. Sessions and unrestricted keys may use any model.
 */
export function isModelAllowed(principal: Principal, model: CatalogModel): boolean {
  const allowed = principal.apiKey?.allowedModels;
  return !allowed || allowed.includes(model.id) || model.aliases.some((alias) => allowed.includes(alias));
}

/** Throws 403 `model_not_allowed` unless {@link isModelAllowed}; `requestedName` is the name the caller used. */
export function assertModelAllowed(principal: Principal, model: CatalogModel, requestedName: string): void {
  if (!isModelAllowed(principal, model)) {
    throw new HubError(
      403,
      'model_not_allowed',
      `This API key may not use the model ${requestedName}: GET /v1/models lists the models it may use`,
    );
  }
}
