import { z } from 'zod';

const common = {
  clientId: z.string().min(1),
  /** Omit for a public client (PKCE only). */
  clientSecret: z.string().min(1).optional(),
  /** Scopes to ask for; each preset has sensible defaults. */
  scopes: z.array(z.string().min(1)).optional(),
};
const providerId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be lower-case letters, digits, - or _');

/**
 * One sign-in provider of the `oauthProviders` section of `HUB_CONFIG`: the GitHub and Google
 * presets, or any OpenID Connect provider by its issuer (discovery). Endpoints of the presets
 * may be overridden (GitHub Enterprise, tests).
 */
export const oauthProviderSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('github'),
      id: providerId.default('github'),
      ...common,
      authorizationUrl: z.url().default('https://github.com/login/oauth/authorize'),
      tokenUrl: z.url().default('https://github.com/login/oauth/access_token'),
      apiUrl: z.url().default('https://api.github.com'),
    })
    .strict(),
  z
    .object({
      type: z.literal('google'),
      id: providerId.default('google'),
      ...common,
      issuer: z.url().default('https://accounts.google.com'),
    })
    .strict(),
  z.object({ type: z.literal('oidc'), id: providerId, ...common, issuer: z.url() }).strict(),
]);

export const oauthProvidersSchema = z
  .array(oauthProviderSchema)
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'provider ids must be unique');

export type OAuthProviderConfig = z.infer<typeof oauthProviderSchema>;
