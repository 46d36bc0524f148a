import { z } from 'zod';

/**
 * The optional `HUB_CONFIG` JSON file: what is too structured for environment variables.
 * Each domain owns the schema of its section.
 */
export const hubFileSchema = z
  .object({
    /** Model catalog: models, aliases, deployments, prices (domains/models). */
    models: z.array(z.record(z.string(), z.unknown())).optional(),
    /** Credit packages for Stripe checkout (domains/credits). */
    creditPackages: z.array(z.record(z.string(), z.unknown())).optional(),
    /** OAuth / OIDC sign-in providers (domains/auth). */
    oauthProviders: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

export type HubFileConfig = z.infer<typeof hubFileSchema>;
