/** A model as `GET /api/v1/models` lists it (prices in credits per million tokens). */
export interface ModelInfo {
  id: string;
  aliases: string[];
  /** Provider family of the first deployment (`openai`, `anthropic`, `mock`, ...). */
  provider: string;
  /** Credits per million input tokens. */
  inputPrice: number;
  /** Credits per million output tokens. */
  outputPrice: number;
  /**
   * Credits per request served from the hub's response cache; null: a cached answer costs its
   * tokens at this model's prices.
   */
  cachePrice: number | null;
  contextWindow: number;
  maxOutputTokens: number;
}

export interface ModelList {
  data: ModelInfo[];
}

/** `GET /v1/models`: OpenAI's shape. */
export interface OpenAIModelList {
  object: 'list';
  data: Array<{ id: string; object: 'model'; created: number; owned_by: string }>;
}

/** A deployment as `GET /api/v1/admin/providers` lists it (never its key). */
export interface DeploymentInfo {
  id: string;
  provider: string;
  /** The model id the upstream knows. */
  upstreamModel: string;
  /** The hub models it serves. */
  models: string[];
  /** `closed` (healthy), `open` (failing: skipped), `half_open` (trying again). */
  circuit: 'closed' | 'open' | 'half_open';
  consecutiveFailures: number;
  /** When the circuit closes again for a trial (epoch ms), while open. */
  retryAt: number | null;
  hasKey: boolean;
}

export interface DeploymentList {
  data: DeploymentInfo[];
}
