import type { DatabaseDialect } from '@smart-ai-hub/adapters';
import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import type { ModelConfigInput } from '../../src/domains/models/catalog/catalog-schema.js';
import { costOf } from '../../src/domains/models/catalog/model-catalog.js';
import { createGatewayKit, type GatewayKit, TEST_PRICES } from '../../src/domains/models/models-test-kit.js';
import { type FakeAnthropic, type FakeOpenAI, startFakeAnthropic, startFakeOpenAI } from '../fakes/index.js';

/** The provider kinds whose wire can go wrong, each with the bytes its upstream sends when it does. */
export const PROVIDER_KINDS = [
  {
    provider: 'openai',
    wire: 'openai',
    errorEvent: (message: string) =>
      `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`,
    nonJsonEvent: 'data: {"id": "chatcmpl-1", "choices": [{"delta": {"content": "a\n\n',
  },
  {
    provider: 'openai-compatible',
    wire: 'openai',
    errorEvent: (message: string) =>
      `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`,
    nonJsonEvent: 'data: {"id": "chatcmpl-1", "choices": [{"delta": {"content": "a\n\n',
  },
  {
    provider: 'anthropic',
    wire: 'anthropic',
    errorEvent: (message: string) =>
      `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`,
    nonJsonEvent: 'event: content_block_delta\ndata: {"type": "content_block_delta", "delta": \n\n',
  },
] as const;

export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface UpstreamFaultKit extends GatewayKit {
  openai: FakeOpenAI;
  anthropic: FakeAnthropic;
  /** The hub model served by one deployment of `kind` (`fault-<provider>`). */
  modelOf(kind: ProviderKind): string;
  /** The fake upstream behind `kind`'s model. */
  upstreamOf(kind: ProviderKind): FakeOpenAI | FakeAnthropic;
  /** Units `input` and `output` tokens cost on `model`. */
  costOf(model: string, input: number, output: number): number;
}

/**
 * A gateway kit (see `createGatewayKit`) with one model per provider kind, on fakes of their
 * upstreams: `fault-openai` (the official client), `fault-openai-compatible`, `fault-anthropic`.
 * No retries and a circuit that never opens, so that each scripted fault reaches the client as it
 * is and the next test finds the deployment serving.
 */
export async function createUpstreamFaultKit(
  dialect: DatabaseDialect,
  coordination: 'memory' | 'redis',
  options: { timeoutMs?: number; extraModels?: ModelConfigInput[]; chunkDelayMs?: number } = {},
): Promise<UpstreamFaultKit> {
  const openai = await startFakeOpenAI({ chunkDelayMs: options.chunkDelayMs });
  const anthropic = await startFakeAnthropic({ chunkDelayMs: options.chunkDelayMs });
  const model = (kind: ProviderKind): ModelConfigInput => ({
    id: `fault-${kind.provider}`,
    ...TEST_PRICES,
    maxOutputTokens: 100,
    deployments: [
      {
        id: `fault-${kind.provider}`,
        provider: kind.provider,
        model: kind.wire === 'anthropic' ? 'claude-haiku-4-5' : 'gpt-4o-mini',
        baseURL: kind.wire === 'anthropic' ? anthropic.baseURL : openai.baseURL,
        apiKey: (kind.wire === 'anthropic' ? anthropic.apiKey : openai.apiKey) ?? undefined,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      },
    ],
  });
  const kit = await createGatewayKit(dialect, coordination, {
    listen: true,
    extraModels: [...PROVIDER_KINDS.map(model), ...(options.extraModels ?? [])],
    settings: {
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 10 },
      circuitBreaker: { failureThreshold: 1_000_000 },
    },
  });
  const catalog = kit.t.hub.services.models.catalog;
  return {
    ...kit,
    openai,
    anthropic,
    modelOf: (kind) => `fault-${kind.provider}`,
    upstreamOf: (kind) => (kind.wire === 'anthropic' ? anthropic : openai),
    costOf(id, input, output) {
      const found = catalog.resolve(id);
      if (!found) throw new Error(`no model ${id}`);
      return costOf(found, input, output);
    },
    async close() {
      await kit.close();
      await openai.close();
      await anthropic.close();
    },
  };
}

/** What a client saw of one chat completion over HTTP. */
export interface ChatOutcome {
  status: number;
  /** Streamed: the chunks before the end or the error event. */
  chunks: ChatCompletionChunk[];
  /** Streamed: the content the chunks carried. */
  text: string;
  /** The error (a streamed `error` event, or the body of an error status). */
  error?: { code: string; message: string };
  /** Streamed: `[DONE]` arrived. */
  done: boolean;
  /** Not streamed: the JSON body. */
  body?: unknown;
}

/** Runs one chat completion on the kit's hub over HTTP and reads the whole answer. */
export async function chatOverHttp(
  kit: GatewayKit,
  apiKey: string,
  model: string,
  options: { stream: boolean; content?: string; signal?: AbortSignal },
): Promise<ChatOutcome> {
  const response = await fetch(`${kit.t.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      stream: options.stream,
      messages: [{ role: 'user', content: options.content ?? 'Tell me something, please' }],
    }),
    signal: options.signal,
  });
  const raw = await response.text();
  const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  if (!isStream) {
    const body = raw ? (JSON.parse(raw) as { error?: { code: string; message: string } }) : undefined;
    return { status: response.status, chunks: [], text: '', error: body?.error, done: false, body };
  }
  const outcome: ChatOutcome = { status: response.status, chunks: [], text: '', done: false };
  for (const event of raw.split('\n\n')) {
    const data = event
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    if (!data) continue;
    if (data === '[DONE]') {
      outcome.done = true;
      continue;
    }
    const parsed = JSON.parse(data) as ChatCompletionChunk & { error?: { code: string; message: string } };
    if (parsed.error) {
      outcome.error = parsed.error;
      continue;
    }
    outcome.chunks.push(parsed);
    outcome.text += parsed.choices.map((c) => c.delta.content ?? '').join('');
  }
  return outcome;
}
