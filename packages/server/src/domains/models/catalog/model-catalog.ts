import { ConfigError } from '../../../config/load-config.js';
import { creditsToUnits } from '../../credits/money.js';
import type { ChatProvider, ProviderFactory } from '../providers/provider.js';
import { type ModelConfig, type ModelConfigInput, modelSchema } from './catalog-schema.js';

/** A deployment ready to call: its provider built, its key kept inside the provider. */
export interface CatalogDeployment {
  id: string;
  provider: string;
  upstreamModel: string;
  hasKey: boolean;
  client: ChatProvider;
}

/** A model of the catalog with its prices in integer units. */
export interface CatalogModel {
  id: string;
  aliases: string[];
  /** Units per million input tokens. */
  inputUnitsPerMillion: number;
  /** Units per million output tokens. */
  outputUnitsPerMillion: number;
  /** Units charged for an answer from the response cache; undefined: the answer's tokens at the normal price. */
  cacheUnits: number | undefined;
  contextWindow: number;
  maxOutputTokens: number;
  cache: boolean;
  /** Whose cached answers a hit may serve. */
  cacheScope: 'user' | 'shared';
  deployments: CatalogDeployment[];
  config: ModelConfig;
}

/** The models the hub serves, by id and alias. */
export class ModelCatalog {
  private readonly byName = new Map<string, CatalogModel>();

  constructor(readonly models: readonly CatalogModel[]) {
    for (const model of models) {
      for (const name of [model.id, ...model.aliases]) {
        if (this.byName.has(name))
          throw new ConfigError(`HUB_CONFIG: models: the name ${name} is used twice`);
        this.byName.set(name, model);
      }
    }
  }

  /** The model with this id or alias. */
  resolve(name: string): CatalogModel | undefined {
    return this.byName.get(name);
  }

  /** Every deployment once, with the models it serves. */
  deployments(): Array<CatalogDeployment & { models: string[] }> {
    const seen = new Map<string, CatalogDeployment & { models: string[] }>();
    for (const model of this.models) {
      for (const d of model.deployments) {
        const entry = seen.get(d.id) ?? { ...d, models: [] };
        entry.models.push(model.id);
        seen.set(d.id, entry);
      }
    }
    return [...seen.values()];
  }
}

/** Cost in units of a request's tokens, rounded up to the next unit. */
export function costOf(model: CatalogModel, inputTokens: number, outputTokens: number): number {
  return Math.ceil(
    (inputTokens * model.inputUnitsPerMillion + outputTokens * model.outputUnitsPerMillion) / 1_000_000,
  );
}

/**
 * Builds the catalog: validates each model, resolves keys (`apiKeyEnv` from `env`), and builds
 * one provider per deployment. A deployment naming an unknown provider, or one whose key is
 * missing, stops start-up with a message that names it.
 */
export function buildCatalog(
  inputs: readonly ModelConfigInput[],
  providers: Readonly<Record<string, ProviderFactory>>,
  env: Readonly<Record<string, string | undefined>>,
): ModelCatalog {
  const built = new Map<string, CatalogDeployment>();
  const models = inputs.map((input, index) => {
    const parsed = modelSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `models.${index}.${i.path.join('.')}: ${i.message}`);
      throw new ConfigError(`Invalid model catalog:\n  ${issues.join('\n  ')}`);
    }
    const config = parsed.data;
    const deployments = config.deployments.map((d) => {
      const existing = built.get(d.id);
      if (existing) return existing;
      const factory = providers[d.provider];
      if (!factory) {
        throw new ConfigError(
          `HUB_CONFIG: deployment ${d.id} names the provider ${d.provider}, which is not one of: ${Object.keys(providers).join(', ')}`,
        );
      }
      const apiKey = d.apiKey ?? (d.apiKeyEnv ? env[d.apiKeyEnv] : undefined);
      if (d.apiKeyEnv && !apiKey) {
        throw new ConfigError(`${d.apiKeyEnv}: not set, and deployment ${d.id} takes its key from it`);
      }
      const upstreamModel = d.model ?? config.id;
      const deployment: CatalogDeployment = {
        id: d.id,
        provider: d.provider,
        upstreamModel,
        hasKey: apiKey !== undefined,
        client: factory({
          id: d.id,
          provider: d.provider,
          upstreamModel,
          baseURL: d.baseURL,
          apiKey,
          timeoutMs: d.timeoutMs ?? 600_000,
          options: { ...d.mock },
        }),
      };
      built.set(d.id, deployment);
      return deployment;
    });
    return {
      id: config.id,
      aliases: config.aliases,
      inputUnitsPerMillion: creditsToUnits(config.inputPrice),
      outputUnitsPerMillion: creditsToUnits(config.outputPrice),
      cacheUnits: config.cachePrice === undefined ? undefined : creditsToUnits(config.cachePrice),
      contextWindow: config.contextWindow,
      maxOutputTokens: config.maxOutputTokens,
      cache: config.cache,
      cacheScope: config.cacheScope,
      deployments,
      config,
    } satisfies CatalogModel;
  });
  return new ModelCatalog(models);
}
