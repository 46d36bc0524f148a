/** One row of `GET /api/v1/usage`: a day's use of one model (amounts in credits). */
export interface UsageBucket {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

/** `GET /api/v1/usage?from=&to=` (epoch ms or ISO dates) and `GET /api/v1/admin/usage?userId=`. */
export interface UsageReport {
  from: number;
  to: number;
  data: UsageBucket[];
  totals: { requests: number; inputTokens: number; outputTokens: number; cost: number };
}
