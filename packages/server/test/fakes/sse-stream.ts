import { interruptAnswer } from './answer-interrupt.js';
import type { AnswerInterrupt } from './fake-behaviour.js';
import type { FakeExchange } from './fake-exchange.js';

/** An SSE answer in three parts: frames before the content, one frame per content chunk, frames after. */
export interface SseFrames {
  head: string[];
  content: string[];
  tail: string[];
}

export interface SsePacing {
  /** Delay before each content frame. */
  chunkDelayMs: number;
  /** Send this many content frames, then destroy the socket. */
  failAfterChunks?: number;
  /** Send this many content frames, then hold the connection open until the client leaves. */
  hangAfterChunks?: number;
  /** Send `afterChunks` content frames, then go wrong as scripted. */
  interrupt?: AnswerInterrupt;
}

/** Formats one SSE frame: `event: <name>\n` (when named) and `data: <json>\n\n`. */
export function sseFrame(data: unknown, event?: string): string {
  const line = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  return event ? `event: ${event}\n${line}` : line;
}

/**
 * Streams the frames with the scripted pacing and failure. Without a delay everything goes out
 * in one write (benchmarks); with one, each content frame is its own write after the pause.
 * Stops quietly if the client goes away.
 */
export async function streamSse(
  exchange: FakeExchange,
  frames: SseFrames,
  pacing: SsePacing,
  headers: Record<string, string>,
): Promise<void> {
  const { res } = exchange;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  const failAt = pacing.failAfterChunks;
  const hangAt = pacing.hangAfterChunks;
  const cut = pacing.interrupt;
  const stopAt = failAt ?? hangAt ?? (cut ? (cut.afterChunks ?? 0) : undefined);
  const sent = stopAt === undefined ? frames.content.length : Math.min(stopAt, frames.content.length);
  if (pacing.chunkDelayMs <= 0) {
    const body = frames.head.join('') + frames.content.slice(0, sent).join('');
    if (failAt !== undefined) return exchange.breakConnection(body);
    if (hangAt !== undefined) {
      res.write(body);
      return exchange.closed();
    }
    if (cut) {
      res.write(body);
      return interruptAnswer(exchange, cut, true);
    }
    res.end(body + frames.tail.join(''));
    return;
  }
  res.write(frames.head.join(''));
  for (let i = 0; i < sent; i++) {
    if (!(await exchange.pause(pacing.chunkDelayMs))) return;
    res.write(frames.content[i]);
  }
  if (failAt !== undefined) return exchange.breakConnection();
  if (hangAt !== undefined) return exchange.closed();
  if (cut) return interruptAnswer(exchange, cut, true);
  res.end(frames.tail.join(''));
}
