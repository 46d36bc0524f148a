import type { AnswerInterrupt } from './fake-behaviour.js';
import type { FakeExchange } from './fake-exchange.js';

/**
 * Carries out an {@link AnswerInterrupt} once the answer's status line (and, streamed, its first
 * chunks) went out: writes its text, then ends, resets, hangs or trickles. Resolves once done.
 */
export async function interruptAnswer(
  exchange: FakeExchange,
  interrupt: AnswerInterrupt,
  streaming: boolean,
): Promise<void> {
  const { res } = exchange;
  const ending = interrupt.ending ?? 'end';
  if (ending === 'reset') return exchange.breakConnection(interrupt.text);
  if (interrupt.text) res.write(interrupt.text);
  if (ending === 'end') {
    res.end();
    return;
  }
  if (ending === 'hang') return exchange.closed();
  const text = interrupt.trickleText ?? (streaming ? ':\n' : ' ');
  while (await exchange.pause(interrupt.trickleMs ?? 50)) res.write(text);
}

/** Sends a non-streamed answer's 200 and headers, then the interrupt (its body, if any, is `text`). */
export function interruptedJsonAnswer(
  exchange: FakeExchange,
  interrupt: AnswerInterrupt,
  headers: Record<string, string>,
): Promise<void> {
  exchange.res.writeHead(200, { 'content-type': 'application/json', ...headers });
  return interruptAnswer(exchange, interrupt, false);
}
