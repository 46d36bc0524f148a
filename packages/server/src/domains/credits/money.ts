/**
 * Money inside the hub is integer credit *units*: micro-credits (1 credit = 1,000,000 units). The
 * API speaks credits as JSON numbers with at most 6 decimals (`12.5`, `0.000005`). These functions
 * are the only bridge; anything finer than a unit is refused, never rounded.
 */
export const UNITS_PER_CREDIT = 1_000_000;

/** Decimals of a credit amount on the API: one unit. */
export const CREDIT_DECIMALS = 6;

/**
 * The largest amount (and balance) the hub keeps for one account, in credits: 10^9 credits =
 * 10^15 units. Any such amount has at most 15 significant digits, so it survives the round trip
 * through a JSON number (a double) exactly, and sums of many stay far below 2^53.
 */
export const MAX_CREDITS = 1_000_000_000;
export const MAX_UNITS = MAX_CREDITS * UNITS_PER_CREDIT;

/** A credit amount the hub cannot take: more decimals than a unit, not finite, or too large. */
export class CreditAmountError extends RangeError {
  override name = 'CreditAmountError';
}

/**
 * Credits (a JSON number with at most 6 decimals) to units, exactly: the number's shortest decimal
 * form (what `JSON.stringify` prints) is read digit by digit, so 99.99995 is 99,999,950 units and
 * 0.1 + 0.2 (0.30000000000000004) is refused rather than rounded.
 */
export function creditsToUnits(credits: number): number {
  if (!Number.isFinite(credits)) throw new CreditAmountError(`Not a credit amount: ${credits}`);
  const units = decimalToUnits(credits);
  if (units === undefined) {
    throw new CreditAmountError(
      `Credit amounts have at most ${CREDIT_DECIMALS} decimals (1 unit = 0.000001 credits): ${credits}`,
    );
  }
  if (units > BigInt(MAX_UNITS) || units < -BigInt(MAX_UNITS)) {
    throw new CreditAmountError(`Credit amounts are at most ${MAX_CREDITS} credits: ${credits}`);
  }
  return Number(units);
}

/** Units to credits, for the API. Exact (shortest form) for every amount up to {@link MAX_UNITS}. */
export function unitsToCredits(units: number): number {
  return units / UNITS_PER_CREDIT;
}

/** True when `credits` converts to whole units (for schema refinements). */
export function isCreditAmount(credits: number): boolean {
  try {
    creditsToUnits(credits);
    return true;
  } catch {
    return false;
  }
}

/** The exact units of a decimal number's shortest form, or undefined when it has too many decimals. */
function decimalToUnits(value: number): bigint | undefined {
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  // digits * 10^(exp - fraction.length) credits = digits * 10^(exp - fraction.length + 6) units.
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + CREDIT_DECIMALS;
  let units: bigint;
  if (shift >= 0) units = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) return undefined;
    units = digits / divisor;
  }
  return sign === '-' ? -units : units;
}
