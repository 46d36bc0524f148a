import { z } from 'zod';
import { creditsToUnits } from './money.js';

function hasUnitPrecision(credits: number): boolean {
  try {
    creditsToUnits(credits);
    return true;
  } catch {
    return false;
  }
}

/**
 * One credit package of the `creditPackages` section of `HUB_CONFIG`: what a user can buy
 * through Stripe Checkout. `price` is in the currency's minor units (cents); `credits` in credits
 * (at most 4 decimals).
 */
export const creditPackageSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    credits: z.number().positive().refine(hasUnitPrecision, { message: 'credits have at most 4 decimals' }),
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
