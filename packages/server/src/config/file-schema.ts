import { z } from 'zod';
import { oauthProvidersSchema } from '../domains/auth/oauth-config.js';
import { creditPackagesSchema } from '../domains/credits/credit-packages.js';
import { signupCreditsSchema } from '../domains/credits/signup-credits.js';
import { modelsFileSchema } from '../domains/models/catalog/catalog-schema.js';

/**
 * The optional `HUB_CONFIG` JSON file: what is too structured for environment variables.
 * Each domain owns the schema of its section.
 */
export const hubFileSchema = z
  .object({
    /** Model catalog: models, aliases, deployments, prices, rate limits (domains/models). */
    models: modelsFileSchema.optional(),
    /** Credit packages for Stripe checkout (domains/credits). */
    creditPackages: creditPackagesSchema.optional(),
    /** Credits each new account gets at sign-up (domains/credits); unset: none. */
    signupCredits: signupCreditsSchema.optional(),
    /** OAuth / OIDC sign-in providers (domains/auth). */
    oauthProviders: oauthProvidersSchema.optional(),
  })
  .strict();

export type HubFileConfig = z.infer<typeof hubFileSchema>;
