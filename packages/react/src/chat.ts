import type { ChatCompletionRequest, ChatUsage, HubCharge, HubClient } from '@smart-ai-hub/sdk';
import {
  messageId,
  toChatMessage,
  toUIMessage,
  type UIMessage,
  type UIMessageInput,
} from './chat-message.js';
import { asError } from './query-store.js';
import { createStore, type Store } from './store.js';

/**
 * `submitted`: the request is sent, nothing has come back yet; `streaming`: the answer is
 * arriving; `ready`: idle (finished or stopped); `error`: the last request failed (see `error`).
 */
export type ChatStatus = 'submitted' | 'streaming' | 'ready' | 'error';

export interface ChatState {
  messages: UIMessage[];
  status: ChatStatus;
  error: Error | undefined;
  /** What the last finished request cost and the balance left (credits), from the stream's final chunk. Undefined while a request runs and after a stop. */
  lastCharge: HubCharge | undefined;
}

/** What `onFinish` receives when a request ends without an error. */
export interface ChatFinish {
  /** The assistant's answer (partial when stopped); undefined if nothing arrived. */
  message: UIMessage | undefined;
  /** Token counts; undefined when stopped. */
  usage: ChatUsage | undefined;
  /** The hub's charge and the balance left; undefined when stopped (the hub still charges what was produced). */
  charge: HubCharge | undefined;
  /** True when `stop()` ended the request. */
  stopped: boolean;
}

/** The per-request settings of a chat, read when each request starts. */
export interface ChatSettings {
  /** A model id or alias from `useModels()`. */
  model: string;
  /** Extra request fields (`temperature`, `max_tokens`, ...). */
  body?: Omit<ChatCompletionRequest, 'model' | 'messages' | 'stream'>;
  /** Called when a request ends without an error (also after `stop()`, with `stopped: true`). */
  onFinish?: (finish: ChatFinish) => void;
  /** Called when a request fails, with the SDK's error class (`InsufficientCreditsError`, ...). */
  onError?: (error: Error) => void;
}

export interface ChatInit {
  client: HubClient;
  /** The latest settings (a hook passes a ref's current value, so callbacks are never stale). */
  settings: () => ChatSettings;
  initialMessages?: UIMessageInput[];
  /** Runs after every request ends, however it ended (the hooks refresh the balance). */
  afterRequest?: () => void;
}

/**
 * One conversation with a model, outside React: its state is a {@link Store}; `send`, `reload`
 * and `stop` drive it. Streams through `client.chat.completions.stream`; a new request aborts the
 * one in flight.
 */
export class Chat {
  readonly store: Store<ChatState>;
  private inFlight: AbortController | undefined;

  constructor(private readonly init: ChatInit) {
    this.store = createStore<ChatState>({
      messages: (init.initialMessages ?? []).map(toUIMessage),
      status: 'ready',
      error: undefined,
      lastCharge: undefined,
    });
  }

  /** Adds a user message (text, or a message) and streams the answer. Resolves when the request ends; never rejects. */
  send = (input: string | UIMessageInput): Promise<void> => {
    const message = toUIMessage(typeof input === 'string' ? { role: 'user', content: input } : input);
    return this.request([...this.store.getState().messages, message]);
  };

  /** Asks again for the last answer: drops the trailing assistant message, then resends. */
  reload = (): Promise<void> => {
    const messages = [...this.store.getState().messages];
    while (messages.at(-1)?.role === 'assistant') messages.pop();
    return this.request(messages);
  };

  /** Aborts the request in flight, keeping the text so far; the hub charges only what was produced. */
  stop = (): void => {
    this.inFlight?.abort();
  };

  /** Replaces the messages (e.g. to clear the chat or load a saved one). */
  setMessages = (messages: UIMessageInput[]): void => {
    this.store.setState({ messages: messages.map(toUIMessage) });
  };

  private async request(messages: UIMessage[]): Promise<void> {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const current = () => this.inFlight === controller;
    const settings = this.init.settings();
    this.store.setState({ messages, status: 'submitted', error: undefined, lastCharge: undefined });
    let answer: UIMessage | undefined;
    let end: (() => void) | undefined; // the callback to run once the state is final
    try {
      const stream = this.init.client.chat.completions.stream(
        { ...settings.body, model: settings.model, messages: messages.map(toChatMessage) },
        { signal: controller.signal },
      );
      for await (const chunk of stream) {
        if (!current()) return; // a newer request aborted this one and owns the state now
        const text = chunk.choices[0]?.delta?.content ?? '';
        if (answer !== undefined && !text) continue;
        const next: UIMessage = answer
          ? { ...answer, content: answer.content + text }
          : { id: messageId(), role: 'assistant', content: text };
        const isNew = answer === undefined;
        answer = next;
        this.store.setState((s) => ({
          status: 'streaming',
          messages: isNew ? [...s.messages, next] : [...s.messages.slice(0, -1), next],
        }));
      }
      const final = await stream.finalMessage();
      if (!current()) return;
      this.store.setState({ status: 'ready', lastCharge: final.hub });
      end = () =>
        settings.onFinish?.({ message: answer, usage: final.usage, charge: final.hub, stopped: false });
    } catch (error) {
      if (!current()) return;
      if (controller.signal.aborted) {
        this.store.setState({ status: 'ready' });
        end = () =>
          settings.onFinish?.({ message: answer, usage: undefined, charge: undefined, stopped: true });
      } else {
        const failure = asError(error);
        this.store.setState({ status: 'error', error: failure });
        end = () => settings.onError?.(failure);
      }
    } finally {
      if (current()) this.inFlight = undefined;
      this.init.afterRequest?.();
    }
    end?.();
  }
}
