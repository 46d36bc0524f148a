import type { HubContext } from '../../hub/hub-context.js';
import {
  type ChatCompletionCall,
  type ChatCompletionResult,
  runChatCompletion as run,
} from './chat/chat-completion.js';
import { gatewayDepsOf } from './gateway/gateway-deps.js';

export type { ChatCompletionCall, ChatCompletionResult } from './chat/chat-completion.js';
export { hubField } from './gateway/charge-wire.js';
export type { ChargeInfo } from './metering/meter.js';

/**
 * The chat completion operation (`chat/chat-completion.ts`) for a caller that holds the hub: the
 * gateway's dependencies are taken from its services.
 */
export function runChatCompletion(hub: HubContext, call: ChatCompletionCall): Promise<ChatCompletionResult> {
  return run(gatewayDepsOf(hub), call);
}
