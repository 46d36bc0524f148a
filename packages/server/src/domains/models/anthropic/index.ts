/**
 * Anthropic's wire format on the hub: translation both ways between the Messages API and the
 * hub's chat format (OpenAI's), used by `POST /v1/messages` and by the Anthropic provider.
 */

export {
  anthropicErrorBody,
  anthropicErrorType,
  installAnthropicErrors,
  sendAnthropicError,
} from './anthropic-errors.js';
export { anthropicProvider } from './anthropic-provider.js';
export type * from './anthropic-wire.js';
export { chargeHeaders } from './charge-headers.js';
export { ChatChunksToEvents } from './chat-chunks-to-events.js';
export { chatCompletionToMessage, messageIdOf, parseToolInput } from './chat-completion-to-message.js';
export { type ChatToMessagesOptions, chatRequestToMessages } from './chat-request-to-messages.js';
export { AnthropicStreamError, EventsToChatChunks } from './events-to-chat-chunks.js';
export { chatUsageOf, messageToChatCompletion } from './message-to-chat-completion.js';
export { messagesRoute } from './messages-route.js';
export { messagesToChatRequest } from './messages-to-chat-request.js';
export { finishReasonOf, stopReasonOf } from './stop-reasons.js';
