/** Token counts the hub will charge: whole, finite, non-negative. */
export interface TokenUsage {
  input: number;
  output: number;
  /** Of `input`, the tokens the upstream says it served from its prompt cache (for metrics only). */
  cached?: number;
}

/** What a request could be billed at most, to judge an upstream's report against. */
export interface UsageBounds {
  /** The hold's prompt bound (see `promptTokensBound`). */
  promptBound: number;
  /** The output tokens the upstream was allowed (see `outputTokensBound`). */
  outputBound: number;
}

/**
 * Beyond this multiple of the bounds (plus a margin) a report is not a miscount but nonsense; a
 * report between the bound and this is believed and charged (the hold's excess is charged too).
 */
const ABSURD_FACTOR = 4;
const ABSURD_MARGIN = 1_000;

/**
 * The upstream's usage if it is believable: both counts whole, finite, non-negative numbers, and
 * not absurdly above what the request could produce. Anything else (missing, null, strings,
 * negative, fractional, 1e300) is undefined: the hub counts itself instead, so the client never
 * sees a ledger error after its answer was produced.
 */
export function checkedUsage(
  reported:
    | { prompt_tokens?: unknown; completion_tokens?: unknown; prompt_tokens_details?: unknown }
    | null
    | undefined,
  bounds: UsageBounds,
): TokenUsage | undefined {
  if (!reported || typeof reported !== 'object') return undefined;
  const input = reported.prompt_tokens;
  const output = reported.completion_tokens;
  if (!isCount(input) || !isCount(output)) return undefined;
  if (input > bounds.promptBound * ABSURD_FACTOR + ABSURD_MARGIN) return undefined;
  if (output > bounds.outputBound * ABSURD_FACTOR + ABSURD_MARGIN) return undefined;
  const cached = (reported.prompt_tokens_details as { cached_tokens?: unknown } | null | undefined)
    ?.cached_tokens;
  return isCount(cached) && cached > 0 && cached <= input ? { input, output, cached } : { input, output };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
