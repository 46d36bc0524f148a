import { z } from 'zod';
import { isCreditAmount, MAX_CREDITS } from './money.js';

/**
 * One credit package of the `creditPackages` section of `HUB_CONFIG`: what a user can buy
 * through Stripe Checkout. `price` is in the currency's minor units (cents); `credits` in credits
 * (at most 6 decimals).
 */
export const creditPackageSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    credits: z
      .number()
      .positive()
      .max(MAX_CREDITS)
      .refine(isCreditAmount, { message: 'credits have at most 6 decimals' }),
    price: z.number().int().positive(),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, 'must be a 3-letter ISO currency code')
      .transform((v) => v.toLowerCase()),
  })
  .strict();

/** The `creditPackages` section: ids must be unique. */
export const creditPackagesSchema = z
  .array(creditPackageSchema)
  .refine((packages) => new Set(packages.map((p) => p.id)).size === packages.length, {
    message: 'credit package ids must be unique',
  });

export type CreditPackage = z.infer<typeof creditPackageSchema>;
