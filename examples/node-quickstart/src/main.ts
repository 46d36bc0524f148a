import { HubAPIError, HubClient } from '@smart-ai-hub/sdk';

/** What the quickstart needs: where the hub is, and an API key or an email and password. */
export interface QuickstartOptions {
  baseURL: string;
  apiKey?: string;
  email?: string;
  password?: string;
  model?: string;
  prompt?: string;
  /** Where the answer and the summary are written (default: stdout). */
  write?: (text: string) => void;
}

/** Signs in, streams one chat answer as it arrives, then prints what it cost and the balance left. */
export async function main(options: QuickstartOptions) {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const client = new HubClient({ baseURL: options.baseURL, apiKey: options.apiKey });
  if (!options.apiKey) {
    if (!options.email || !options.password)
      throw new Error('Set HUB_API_KEY, or HUB_EMAIL and HUB_PASSWORD');
    const { user } = await client.auth.login({ email: options.email, password: options.password });
    write(`Signed in as ${user.email}\n`);
  }

  const stream = client.chat.completions.stream({
    model: options.model ?? 'mock',
    messages: [{ role: 'user', content: options.prompt ?? 'Say hello to Smart AI Hub' }],
  });
  for await (const text of stream.textDeltas()) write(text);
  const final = await stream.finalMessage();

  const { balance } = await client.credits.balance();
  write(
    `\n\nTokens: ${final.usage?.total_tokens ?? '?'}, cost: ${final.hub?.cost ?? '?'} credits, balance: ${balance} credits\n`,
  );
  return { text: final.message.content, cost: final.hub?.cost, balance };
}

// Run directly: `pnpm start` (see README.md).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main({
    baseURL: process.env.HUB_URL ?? 'http://127.0.0.1:8787',
    apiKey: process.env.HUB_API_KEY,
    email: process.env.HUB_EMAIL,
    password: process.env.HUB_PASSWORD,
    model: process.env.HUB_MODEL,
    prompt: process.argv.slice(2).join(' ') || undefined,
  }).catch((error) => {
    const request = error instanceof HubAPIError && error.requestId ? `, request ${error.requestId}` : '';
    const why = error instanceof HubAPIError ? ` [${error.name}: ${error.code}${request}]` : '';
    console.error(`\n${error.message}${why}`);
    process.exitCode = 1;
  });
}
