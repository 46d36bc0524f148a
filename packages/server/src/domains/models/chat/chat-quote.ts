import type { ChatCompletionRequest } from '@smart-ai-hub/sdk';
import type { CatalogModel } from '../catalog/model-catalog.js';
import type { Quote } from '../gateway/quote-and-hold.js';
import {
  outputLimitAsked,
  outputTokenLimit,
  outputTokensBound,
  promptTokensBound,
} from '../metering/prompt-bound.js';

/** The worst case a chat request can be billed (400 for a part whose price cannot be bounded). */
export function quoteChat(request: ChatCompletionRequest, model: CatalogModel): Quote {
  const maxOutput = outputTokenLimit(request, model.maxOutputTokens);
  return {
    promptBound: promptTokensBound(request),
    outputBound: outputTokensBound(request, maxOutput),
    maxOutput,
    outputLimitFree: !outputLimitAsked(request),
  };
}

/** The request as the upstream gets it: the output limit the hold paid for, the hub's `user` kept. */
export function forUpstream(request: ChatCompletionRequest, maxOutput: number): ChatCompletionRequest {
  const out: ChatCompletionRequest = { ...request };
  if (out.max_completion_tokens !== undefined) out.max_completion_tokens = maxOutput;
  else out.max_tokens = maxOutput;
  delete out.stream_options;
  return out;
}
