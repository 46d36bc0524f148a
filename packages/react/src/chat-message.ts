import type { ChatMessage } from '@smart-ai-hub/sdk';

/** A message as the chat shows it: text with a stable id for React keys. */
export interface UIMessage {
  id: string;
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A message to start a chat with or to send; the id is made when missing. */
export type UIMessageInput = Omit<UIMessage, 'id'> & { id?: string };

let counter = 0;

/** A unique message id (no `crypto.randomUUID`: it is missing on plain-http pages). */
export function messageId(): string {
  counter += 1;
  return `msg-${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function toUIMessage(input: UIMessageInput): UIMessage {
  return { id: input.id ?? messageId(), role: input.role, content: input.content };
}

/** The wire shape sent to `/v1/chat/completions`. */
export function toChatMessage(message: UIMessage): ChatMessage {
  return { role: message.role, content: message.content };
}
