/** Field names whose values are secrets: never stored in an audit record, whatever a caller passes. */
const SECRET_FIELD = /^(key|api_?key)$|(secret|password|passphrase|token|hash|authorization|cookie)$/i;

export const REDACTED = '[redacted]';

/** A copy of `value` with every secret-named field's value replaced by {@link REDACTED}, at any depth. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    out[name] = SECRET_FIELD.test(name) ? REDACTED : redactSecrets(field);
  }
  return out as T;
}
