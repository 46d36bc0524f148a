import { newId } from '@smart-ai-hub/adapters';
import type { CatalogDeployment } from '../catalog/model-catalog.js';
import type { UsageRow } from '../usage/usage-writer.js';
import type { MeteredCall } from './metered-call.js';

/** How a metered request ended, as its usage row says. */
export type UsageStatus = 'ok' | 'error' | 'cancelled' | 'cached' | 'rejected' | 'replayed';

/** What a usage row records beyond the call's own facts. */
export interface UsageFacts {
  status: UsageStatus;
  errorCode?: string;
  deployment?: CatalogDeployment;
  inputTokens?: number;
  outputTokens?: number;
  /** Units charged. */
  cost?: number;
}

/** The one usage row of a metered request, for every operation (chat, messages, embeddings, ...). */
export function usageRow(call: MeteredCall, facts: UsageFacts): UsageRow {
  const now = Date.now();
  return {
    id: newId('use'),
    request_id: call.requestId,
    user_id: call.principal.userId,
    api_key_id: call.principal.apiKey?.id ?? null,
    end_user: call.endUser,
    model: call.model.id,
    provider: facts.deployment?.provider ?? null,
    deployment: facts.deployment?.id ?? null,
    endpoint: call.endpoint,
    input_tokens: facts.inputTokens ?? 0,
    output_tokens: facts.outputTokens ?? 0,
    cost: facts.cost ?? 0,
    latency_ms: now - call.started,
    status: facts.status,
    error_code: facts.errorCode ?? null,
    created_at: now,
  };
}
