import { Agent, OpenAIProvider, Runner, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';

/** Where the agent's model calls go: the hub's OpenAI-compatible base URL and an API key. */
export interface HubTarget {
  /** `http://127.0.0.1:8787/v1`. */
  baseURL: string;
  /** An API key of the hub (`sk-hub-...`). */
  apiKey: string;
}

/** The weather the agent's one tool reports (a real agent would call a weather service). */
export function weatherIn(city: string): string {
  return `Sunny and 21 C in ${city}`;
}

/**
 * A one-tool agent of the OpenAI Agents SDK whose model calls go through the hub's Responses API
 * (`POST /v1/responses`): every turn is metered and charged to the key's owner. `calls` records
 * each city the tool was asked about.
 */
export function weatherAgent(model: string, calls: string[] = []) {
  const weather = tool({
    name: 'weather',
    description: 'The weather now in a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city);
      return weatherIn(city);
    },
  });
  return new Agent({
    name: 'Weather assistant',
    instructions: 'Answer questions about the weather; call the weather tool for a city.',
    model,
    tools: [weather],
  });
}

/** A runner whose models are the hub's (no tracing export: the hub is not OpenAI's platform). */
export function hubRunner(target: HubTarget): Runner {
  const openAIClient = new OpenAI({ baseURL: target.baseURL, apiKey: target.apiKey, maxRetries: 0 });
  return new Runner({
    modelProvider: new OpenAIProvider({ openAIClient, useResponses: true }),
    tracingDisabled: true,
  });
}
