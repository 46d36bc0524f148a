import type { HubClient } from '@smart-ai-hub/sdk';
import { useEffect, useRef } from 'react';
import { Chat, type ChatSettings, type ChatState } from './chat.js';
import type { UIMessageInput } from './chat-message.js';
import { useHub } from './hub-context.js';
import { useStore } from './use-store.js';

export interface UseChatOptions extends ChatSettings {
  /** The conversation to start from (read once, when the hook first renders). */
  initialMessages?: UIMessageInput[];
}

export interface UseChatResult extends ChatState {
  /** Adds a user message (text or a message) and streams the answer; resolves when the request ends, never rejects. */
  send(input: string | UIMessageInput): Promise<void>;
  /** Aborts the request in flight; the partial answer stays and the hub charges only what was produced. */
  stop(): void;
  /** Asks again for the last answer (drops the trailing assistant message, then resends). */
  reload(): Promise<void>;
  /** Replaces the messages (clear the chat, load a saved one). */
  setMessages(messages: UIMessageInput[]): void;
}

/**
 * A streamed chat with a hub model: `messages` grow as the answer arrives, `status` goes
 * `submitted` -> `streaming` -> `ready` (or `error`), and `lastCharge` tells what the request cost.
 * The balance of {@link useCredits} is refreshed when a request ends. Unmounting stops a request
 * in flight. `model`, `body` and the callbacks are read fresh for every request.
 *
 * @example
 * const { messages, status, send, stop } = useChat({ model: 'mock' });
 */
export function useChat(options: UseChatOptions): UseChatResult {
  const { client, stores } = useHub();
  const settings = useRef(options);
  settings.current = options;
  const chatRef = useRef<{ chat: Chat; client: HubClient } | null>(null);
  if (chatRef.current?.client !== client) {
    const chat = new Chat({
      client,
      settings: () => settings.current,
      initialMessages: options.initialMessages,
      afterRequest: () => {
        if (stores.credits.getState().data !== undefined) void stores.credits.refresh();
      },
    });
    chatRef.current = { chat, client };
  }
  const { chat } = chatRef.current!;
  const state = useStore(chat.store);
  useEffect(() => () => chat.stop(), [chat]);
  return { ...state, send: chat.send, stop: chat.stop, reload: chat.reload, setMessages: chat.setMessages };
}
