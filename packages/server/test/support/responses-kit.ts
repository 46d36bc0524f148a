import type { DatabaseDialect } from '@smart-ai-hub/adapters';
import { TEST_PRICES } from '../../src/domains/models/models-test-kit.js';
import { mockAnswer } from '../../src/domains/models/providers/mock-provider.js';
import { contentText, type FakeAnthropic, type FakeOpenAI } from '../fakes/index.js';
import { createUpstreamFaultKit, type UpstreamFaultKit } from './upstream-fault-kit.js';

/**
 * Every provider kind a hub model can be served by, as the Responses API suites drive them: the
 * hub model, the text its upstream answers (5 words), and whether that upstream can call tools.
 */
export const RESPONSE_KINDS = [
  { provider: 'mock', model: 'fault-mock', tools: false },
  { provider: 'openai-compatible', model: 'fault-openai-compatible', tools: true },
  { provider: 'openai', model: 'fault-openai', tools: true },
  { provider: 'anthropic', model: 'fault-anthropic', tools: true },
] as const;

export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** The text each kind's upstream answers by default. */
export function answerOf(kind: ResponseKind): string {
  return kind.provider === 'mock' ? mockAnswer({ model: 'x', messages: [] }, 5).join('') : contentText(5);
}

export interface ResponsesKit extends UpstreamFaultKit {
  /** The fake behind a kind (none for `mock`). */
  fakeOf(kind: ResponseKind): FakeOpenAI | FakeAnthropic | undefined;
}

/**
 * A hub listening on a port, on `dialect` + `coordination`, with one model per provider kind
 * (`fault-mock` answering 5 words, and the upstream fault kit's `fault-openai`,
 * `fault-openai-compatible`, `fault-anthropic` on fakes), at the test prices.
 */
export async function createResponsesKit(
  dialect: DatabaseDialect,
  coordination: 'memory' | 'redis',
  options: { chunkDelayMs?: number } = {},
): Promise<ResponsesKit> {
  const kit = await createUpstreamFaultKit(dialect, coordination, {
    chunkDelayMs: options.chunkDelayMs,
    extraModels: [
      {
        id: 'fault-mock',
        ...TEST_PRICES,
        maxOutputTokens: 100,
        deployments: [{ id: 'fault-mock', provider: 'mock', mock: { words: 5 } }],
      },
    ],
  });
  return {
    ...kit,
    fakeOf(kind) {
      if (kind.provider === 'mock') return undefined;
      return kind.provider === 'anthropic' ? kit.anthropic : kit.openai;
    },
  };
}
