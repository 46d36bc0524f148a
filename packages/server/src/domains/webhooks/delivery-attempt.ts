import { type Dispatcher, request } from 'undici';

/** What one attempt came to. */
export interface AttemptOutcome {
  /** A 2xx answer. */
  ok: boolean;
  /** The receiver's status, or null when none came (refused, timed out, address not allowed). */
  status: number | null;
  latencyMs: number;
  /** At most {@link EXCERPT_BYTES} of the answer, as text. */
  response: string | null;
  error: string | null;
}

export const EXCERPT_BYTES = 1_024;

/**
 * POSTs one signed message and reads the start of the answer. `timeoutMs` bounds the whole
 * attempt; redirects are not followed (a 3xx is a failed attempt).
 */
export async function postWebhook(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
}): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const answer = await request(options.url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of answer.body) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size >= EXCERPT_BYTES) break;
      }
    } catch {
      // The status is what counts; a body cut short still leaves its start.
    }
    const text = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    return {
      ok,
      status: answer.statusCode,
      latencyMs: elapsed(),
      response: text === '' ? null : text,
      error: ok ? null : `the receiver answered ${answer.statusCode}`,
    };
  } catch (error) {
    const err = error as Error & { code?: string };
    const reason =
      err.name === 'TimeoutError' ||
      err.code === 'UND_ERR_HEADERS_TIMEOUT' ||
      err.code === 'UND_ERR_BODY_TIMEOUT'
        ? `no answer within ${options.timeoutMs} ms`
        : err.message;
    return { ok: false, status: null, latencyMs: elapsed(), response: null, error: reason.slice(0, 500) };
  }
}
