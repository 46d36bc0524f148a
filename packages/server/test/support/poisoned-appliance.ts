/**
 * A hub process for `process-safety-net.test.ts`: the appliance's app with two models, `steady`
 * (a paced mock) and `poisoned`, whose provider answers one word and then, besides failing its
 * own request, leaves an `'error'` event no one listens to and a rejection no one handles (what an
 * upstream's bad byte did to the process). `SAFETY_NET=off` runs it without the net.
 * Prints `{"ready": url, "apiKey": ...}` on a line of its own once it serves.
 *
 * Run: node --conditions=source --import tsx test/support/poisoned-appliance.ts
 */
import { EventEmitter } from 'node:events';
import type { ChatCompletionChunk } from '@smart-ai-hub/sdk';
import { installProcessSafetyNet } from '../../src/cli/process-safety-net.js';
import { loadConfig } from '../../src/config/load-config.js';
import { creditsToUnits } from '../../src/domains/credits/money.js';
import type { ProviderFactory } from '../../src/domains/models/providers/provider.js';
import { UpstreamError } from '../../src/domains/models/providers/upstream-error.js';
import { buildHubApp } from '../../src/hub/build-app.js';
import { createUser } from './auth-fixtures.js';

function poisonTheProcess(): void {
  const body = new EventEmitter();
  setImmediate(() => body.emit('error', new Error('poison: an error event no one listens to')));
  void Promise.reject(new Error('poison: a rejection no one handles'));
}

const poisoned: ProviderFactory = () => ({
  async complete() {
    poisonTheProcess();
    throw new UpstreamError('The upstream connection failed: poisoned', undefined);
  },
  async stream(request) {
    const base = {
      id: 'chatcmpl-poison',
      object: 'chat.completion.chunk' as const,
      created: 1,
      model: request.model,
    };
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      yield {
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
      };
      poisonTheProcess();
      throw new UpstreamError('The upstream stream failed: poisoned', undefined);
    }
    return chunks();
  },
});

const config = loadConfig(process.env);
const app = await buildHubApp({
  config,
  providers: { poisoned },
  models: {
    models: [
      {
        id: 'steady',
        inputPrice: 1,
        outputPrice: 2,
        deployments: [{ id: 'steady', provider: 'mock', mock: { words: 10, chunkDelayMs: 60 } }],
      },
      {
        id: 'poisoned',
        inputPrice: 1,
        outputPrice: 2,
        deployments: [{ id: 'poisoned', provider: 'poisoned' }],
      },
    ],
    retry: { maxRetries: 0 },
  },
});
if (process.env.SAFETY_NET !== 'off') installProcessSafetyNet(app.log);
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const user = await createUser(app.hub);
await app.hub.services.credits.grant({
  userId: user.user.id,
  amount: creditsToUnits(100),
  idempotencyKey: 'poisoned-appliance',
});
process.stdout.write(`${JSON.stringify({ ready: url, apiKey: user.apiKey })}\n`);
