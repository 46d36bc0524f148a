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

/** The filters of `GET /api/v1/usage` (and `/admin/usage`, which adds `userId`). */
export interface UsageQuery {
  /** Epoch ms or an ISO date; default 30 days before `to`. */
  from?: number | string;
  /** Epoch ms or an ISO date; default now. */
  to?: number | string;
  /** Only what this API key spent. */
  apiKeyId?: string;
  /** Only what was made for this end user (the OpenAI `user` field or `x-hub-end-user`). */
  endUser?: string;
}

/** `GET /api/v1/admin/usage`: one user's (`userId`) or everyone's. */
export interface AdminUsageQuery extends UsageQuery {
  userId?: string;
}
