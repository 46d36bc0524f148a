import type { ChatCompletionChunk, ChatCompletionRequest, HubCharge } from './chat.js';
import type { ErrorCode } from './errors.js';

/**
 * The hub's WebSocket protocol on `/api/v1/ws`: JSON text frames. A client authenticates with
 * `Authorization` on the upgrade, `?token=` (browsers cannot set headers), or a first `auth`
 * message; then starts chat streams by its own ids, receives their chunks, and may cancel them.
 * Several streams may run at once on one socket.
 */
export type WsClientMessage =
  /** Sign in (when the upgrade carried no credentials): an access token or an API key. */
  | { type: 'auth'; token: string }
  /** Starts a streamed completion; `id` is the client's, echoed on every frame of this stream. */
  | { type: 'chat.start'; id: string; request: Omit<ChatCompletionRequest, 'stream'> }
  /** Stops a stream: the upstream is aborted and only what was produced is charged. */
  | { type: 'chat.cancel'; id: string }
  | { type: 'ping' };

/** What a stream cost once it ended (credits), with its tokens. */
export interface WsCharge extends HubCharge {
  inputTokens: number;
  outputTokens: number;
}

export type WsServerMessage =
  /** Authenticated: streams may start. */
  | { type: 'ready'; userId: string }
  | { type: 'chat.chunk'; id: string; chunk: ChatCompletionChunk }
  /** The stream ended (finished, cancelled or failed after its first chunk) and was charged. */
  | { type: 'chat.done'; id: string; reason: 'stop' | 'cancelled' | 'error'; charge: WsCharge }
  /** A stream could not start or broke; `id` is absent for errors about the socket or a bad message. */
  | { type: 'error'; id?: string; error: { code: ErrorCode; message: string } }
  | { type: 'pong' };
