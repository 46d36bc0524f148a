/** A tool call the fake model makes instead of answering with text. */
export interface ScriptedToolCall {
  name: string;
  /** The call's arguments: an object (serialised with `JSON.stringify`) or a raw JSON string. */
  arguments: Record<string, unknown> | string;
  /** Fixed call id; a random `call_…` / `toolu_…` id otherwise. */
  id?: string;
}

/**
 * How the fake answers one request. Queue these with `fake.script(...)`; each is consumed by the
 * next model request (chat completion, embedding, message). Unset fields fall back to the
 * defaults given at start.
 */
export interface FakeBehaviour {
  /** Answer with this error status and a body in the provider's error shape (or `body`). */
  status?: number;
  /** Seconds, sent as `retry-after` (fractions allowed: the official clients parse floats). */
  retryAfter?: number;
  /** Exact JSON body to send instead of the generated one (with `status`, or 200). */
  body?: unknown;
  /**
   * With `body`: send it verbatim (a string) under this content type instead of as JSON, e.g. a
   * proxy's HTML page, or JSON where a stream was asked for.
   */
  contentType?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Number of content words (= streamed content chunks = completion tokens). */
  chunks?: number;
  /** Delay before each streamed content chunk. */
  chunkDelayMs?: number;
  /** Stream this many content chunks, then destroy the socket (non-streaming: destroy at once). */
  failAfterChunks?: number;
  /**
   * Stream this many content chunks, then send nothing more and hold the connection open until
   * the client goes away: a client that leaves after N chunks has seen exactly N, however slow
   * the machine is.
   */
  hangAfterChunks?: number;
  /** Cut the answer short in a scripted way (see {@link AnswerInterrupt}). */
  interrupt?: AnswerInterrupt;
  /** Wait this long before sending anything (status line included). */
  hangBeforeFirstByteMs?: number;
  /** Answer with a tool call, if the request offered tools. */
  toolCall?: ScriptedToolCall;
}

/**
 * An answer that goes wrong after it started: streamed, `afterChunks` content chunks go out as
 * usual; non-streamed, a 200 and its headers. Then `text` is written verbatim (an SSE `error`
 * event, a line that is not JSON, half a JSON body) and the answer has its `ending`:
 * - `end`: ends the body there (default): a stream without its end, a truncated body;
 * - `reset`: destroys the connection;
 * - `hang`: sends nothing more and holds the connection until the client leaves;
 * - `trickle`: writes `trickleText` every `trickleMs` until the client leaves: an upstream never
 *   silent for long, yet never done.
 */
export interface AnswerInterrupt {
  afterChunks?: number;
  text?: string;
  ending?: 'end' | 'reset' | 'hang' | 'trickle';
  /** Default 50 ms. */
  trickleMs?: number;
  /** Default an SSE comment line (`:\n`) when streaming, a space (JSON padding) otherwise. */
  trickleText?: string;
}

/** The defaults a fake starts with; `fake.script(...)` overrides them per request. */
export interface FakeBehaviourDefaults {
  /** Content words per answer (default 5). */
  chunks?: number;
  /** Delay before each streamed content chunk (default 0). */
  chunkDelayMs?: number;
  /** Delay before the first byte of every answer (default 0). */
  hangBeforeFirstByteMs?: number;
}

/** A behaviour with the pacing fields filled in from the defaults. */
export interface ResolvedBehaviour extends FakeBehaviour {
  chunks: number;
  chunkDelayMs: number;
  hangBeforeFirstByteMs: number;
}

export function resolveBehaviour(
  scripted: FakeBehaviour | undefined,
  defaults: FakeBehaviourDefaults,
): ResolvedBehaviour {
  return {
    ...scripted,
    chunks: scripted?.chunks ?? defaults.chunks ?? 5,
    chunkDelayMs: scripted?.chunkDelayMs ?? defaults.chunkDelayMs ?? 0,
    hangBeforeFirstByteMs: scripted?.hangBeforeFirstByteMs ?? defaults.hangBeforeFirstByteMs ?? 0,
  };
}

/** True when the behaviour asks for an error (or a verbatim body) rather than a model answer. */
export function isScriptedReply(behaviour: FakeBehaviour): boolean {
  return (behaviour.status !== undefined && behaviour.status >= 300) || behaviour.body !== undefined;
}

/** Response headers a scripted reply carries (`retry-after` plus any extras). */
export function scriptedHeaders(behaviour: FakeBehaviour): Record<string, string> {
  const headers: Record<string, string> = { ...behaviour.headers };
  if (behaviour.retryAfter !== undefined) headers['retry-after'] = String(behaviour.retryAfter);
  return headers;
}
