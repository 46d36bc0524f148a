import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Standard headers of an SSE answer (`x-accel-buffering` stops nginx from buffering it). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/**
 * Writes to a streaming response, waiting for the socket to drain when its buffer is full so a
 * slow reader never makes the hub buffer a whole answer. Resolves false once the client is gone.
 */
export async function writeOrWait(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(text)) return true;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

/** An Anthropic-style named SSE event. */
export function sseEvent(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
