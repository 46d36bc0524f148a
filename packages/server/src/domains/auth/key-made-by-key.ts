import { type ApiKeyScope, DEFAULT_API_KEY_SCOPES } from '@smart-ai-hub/sdk';
import { badRequest, forbidden, HubError } from '../../http/hub-error.js';
import type { Principal } from './principal.js';

/** What a new key may do and spend (credit units, epoch ms). */
export interface KeyLimits {
  scopes: ApiKeyScope[];
  allowedModels: string[] | null;
  spendCap: number | null;
  expiresAt: number | null;
}

type CreatorKey = NonNullable<Principal['apiKey']>;

/**
 * The limits of a key that a key (with `keys:manage`) makes: never wider than its creator on any
 * axis. Scopes: a subset of the creator's (default: the defaults it holds). Models: only names
 * the creator may use (default: the creator's list). Expiry: no later than the creator's
 * (default: the same). Cap: required when the creator has one; that it fits in what the creator
 * has left is checked when the key is stored (see `ApiKeysService.create`), against fresh figures.
 * Refusals name the axis: 403 `insufficient_scope`, `model_not_allowed` or `forbidden`, 400 for
 * a missing cap.
 */
export function limitsForKeyMadeByKey(
  creator: CreatorKey,
  requested: Partial<KeyLimits>,
  creatorMayUse: (modelName: string) => boolean,
): KeyLimits {
  const scopes = requested.scopes ?? DEFAULT_API_KEY_SCOPES.filter((s) => creator.scopes.has(s));
  const wider = scopes.filter((s) => !creator.scopes.has(s));
  if (wider.length > 0) {
    throw new HubError(
      403,
      'insufficient_scope',
      `This API key cannot grant the scope ${wider.join(', ')}: it does not hold it`,
      { requiredScope: wider[0] },
    );
  }

  const allowedModels =
    requested.allowedModels ?? (creator.allowedModels ? [...creator.allowedModels] : null);
  if (creator.allowedModels) {
    const foreign = (allowedModels ?? []).filter((name) => !creatorMayUse(name));
    if (allowedModels === null || foreign.length > 0) {
      throw new HubError(
        403,
        'model_not_allowed',
        `This API key cannot allow the model ${foreign.join(', ') || 'list'}: it may use only ${creator.allowedModels.join(', ')}`,
      );
    }
  }

  const expiresAt = requested.expiresAt ?? creator.expiresAt;
  if (creator.expiresAt !== null && (expiresAt === null || expiresAt > creator.expiresAt)) {
    throw forbidden(
      `expiresAt: the key making this one expires at ${new Date(creator.expiresAt).toISOString()}, and the new key cannot outlive it`,
    );
  }

  const spendCap = requested.spendCap ?? null;
  if (creator.spendCap !== null && spendCap === null) {
    throw badRequest(
      'spendCap is required: this API key has a spending cap, and the key it makes needs one within what it has left',
    );
  }
  return { scopes, allowedModels, spendCap, expiresAt };
}
