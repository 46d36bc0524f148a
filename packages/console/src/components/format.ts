const creditFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
const countFormat = new Intl.NumberFormat('en-US');
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** Credits as the hub counts them (at most 6 decimals): `12.5`, `0.000005`. */
export function formatCredits(amount: number | undefined | null): string {
  return amount === undefined || amount === null ? '…' : creditFormat.format(amount);
}

export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** An ISO time (or epoch ms) for people; a dash for none. */
export function formatTime(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '—' : dateTimeFormat.format(new Date(value));
}

/** A price in minor units (cents) of `currency`: `$10.00`. */
export function formatPrice({ price, currency }: { price: number; currency: string }): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    price / 100,
  );
}
