import type { ChatCompletionRequest } from '@smart-ai-hub/sdk';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { HubError } from '../../../http/hub-error.js';
import { IMAGE_TOKENS_BOUND, outputTokensBound, promptTokensBound } from './prompt-bound.js';

const user = (content: ChatCompletionRequest['messages'][number]['content']) =>
  ({ role: 'user', content }) as ChatCompletionRequest['messages'][number];

/** Every string anywhere in a value, as the upstream would see and bill its text. */
function allText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(allText).join('\n');
  if (value && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}\n${allText(v)}`)
      .join('\n');
  return String(value ?? '');
}

const noise = (n: number) => Array.from({ length: n }, (_, i) => `w${(i * 7919) % 10007}`).join(' ');

describe('the prompt bound of a hold', () => {
  const cases: Array<[string, ChatCompletionRequest]> = [
    [
      'tool call arguments (120,000 characters)',
      {
        model: 'm',
        messages: [
          user('call it'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'f', arguments: JSON.stringify({ x: noise(20_000) }) },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: noise(5_000) },
        ],
      },
    ],
    [
      'a response_format schema',
      {
        model: 'm',
        messages: [user('hi')],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 's', schema: { type: 'object', description: noise(8_000) } },
        },
      },
    ],
    [
      'a prompt hidden in a field the hub does not know',
      { model: 'm', messages: [user('hi')], prompt: noise(10_000) },
    ],
    ['non-Latin text and emoji', { model: 'm', messages: [user('数据库事务一致性 🚀🧪🎉 '.repeat(3_000))] }],
    [
      'text parts and tools',
      {
        model: 'm',
        messages: [user([{ type: 'text', text: noise(3_000) }])],
        tools: [
          {
            type: 'function',
            function: { name: 'g', description: noise(2_000), parameters: { type: 'object' } },
          },
        ],
      },
    ],
  ];

  for (const [what, request] of cases) {
    it(`covers ${what}: at least the o200k tokens of every text in it`, () => {
      const tokens = countTokens(allText(request));
      expect(tokens).toBeGreaterThan(1_000);
      expect(promptTokensBound(request)).toBeGreaterThanOrEqual(tokens);
    });
  }

  it('counts each image at its bound, however short its URL', () => {
    const image = { type: 'image_url', image_url: { url: 'https://example.com/a.png' } };
    const one = promptTokensBound({ model: 'm', messages: [user([image])] });
    const three = promptTokensBound({ model: 'm', messages: [user([image, image, image])] });
    expect(one).toBeGreaterThanOrEqual(IMAGE_TOKENS_BOUND);
    expect(three - one).toBeGreaterThanOrEqual(2 * IMAGE_TOKENS_BOUND);
    // A 1 MB data URL costs the image's bound, not a million tokens.
    const big = { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(1_000_000)}` } };
    expect(promptTokensBound({ model: 'm', messages: [user([big])] })).toBeLessThan(
      IMAGE_TOKENS_BOUND + 1_000,
    );
  });

  it('refuses file inputs, whose price it cannot bound, naming the part', () => {
    const file = { type: 'file', file: { file_id: 'file-123' } };
    try {
      promptTokensBound({ model: 'm', messages: [user([file])] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).statusCode).toBe(400);
      expect((error as HubError).message).toMatch(/type file are not accepted/);
    }
  });

  it('bounds the output by the limit and a prediction (billed as output when rejected)', () => {
    const request: ChatCompletionRequest = { model: 'm', messages: [user('hi')] };
    expect(outputTokensBound(request, 100)).toBe(100);
    const predicted = { ...request, prediction: { type: 'content', content: noise(1_000) } };
    expect(outputTokensBound(predicted, 100)).toBeGreaterThanOrEqual(100 + countTokens(noise(1_000)));
  });
});
