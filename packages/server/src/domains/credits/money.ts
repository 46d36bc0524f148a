/**
 * Money inside the hub is integer credit *units*; the API speaks credits with at most 4 decimals.
 * 1 credit = 10,000 units (the seed's DECIMAL(10,4)). These two functions are the only bridge.
 */
export const UNITS_PER_CREDIT = 10_000;

/** Credits (a JSON number with at most 4 decimals) to units. Throws on more precision or non-finite input. */
export function creditsToUnits(credits: number): number {
  if (!Number.isFinite(credits)) throw new RangeError(`Not a credit amount: ${credits}`);
  const units = Math.round(credits * UNITS_PER_CREDIT);
  if (Math.abs(units - credits * UNITS_PER_CREDIT) > 1e-6 * Math.max(1, Math.abs(units))) {
    throw new RangeError(`Credit amounts have at most 4 decimals: ${credits}`);
  }
  if (!Number.isSafeInteger(units)) throw new RangeError(`Credit amount too large: ${credits}`);
  return units;
}

/** Units to credits, for the API. Exact for every safe integer of units up to 2^53 / 10^4. */
export function unitsToCredits(units: number): number {
  return units / UNITS_PER_CREDIT;
}
