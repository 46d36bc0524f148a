import { hubRunner, weatherAgent } from './weather-agent.js';

/**
 * Runs the weather agent once against a hub and prints its answer, the tool calls it made and
 * the tokens it used (the hub charged them to the key's owner).
 */
const baseURL = `${process.env.HUB_URL ?? 'http://127.0.0.1:8787'}/v1`;
const apiKey = process.env.HUB_API_KEY;
if (!apiKey) {
  console.error('Set HUB_API_KEY to an API key of the hub (sk-hub-...)');
  process.exit(1);
}
const calls: string[] = [];
const agent = weatherAgent(process.env.HUB_MODEL ?? 'mock', calls);
const result = await hubRunner({ baseURL, apiKey }).run(
  agent,
  process.argv[2] ?? 'What is the weather in Paris?',
);
console.log(result.finalOutput);
console.log(`tool calls: ${calls.length ? calls.join(', ') : 'none'}`);
console.log(`tokens: ${result.state.usage.inputTokens} in, ${result.state.usage.outputTokens} out`);
