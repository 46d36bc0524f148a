import { startFakeOpenAI } from '../test/fakes/fake-openai.js';
import { answer, answerMemory } from './child-process.js';

/**
 * The upstream of every column: the fake OpenAI server in its own process, answering at once
 * (no chunk delay) unless the runner asks for a slow pace (the 1,000-stream memory run).
 */
const options = { apiKey: null, chunks: 16, chunkDelayMs: 0, maxRecordedRequests: 0 };
const fake = await startFakeOpenAI(options);
answer('pace', (message) => {
  // The fake reads its defaults on every request, so this changes the pace of the next ones.
  options.chunkDelayMs = Number(message.chunkDelayMs);
  return options.chunkDelayMs;
});
answerMemory();
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
process.send?.({ type: 'ready', url: fake.url });
