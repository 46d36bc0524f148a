import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(`../../packages/${path}`, import.meta.url));

/**
 * The workspace packages resolve to their TypeScript sources by alias rather than by the `source`
 * condition the other projects use: eventsource and eventsource-parser (under the AI and Agents
 * SDKs) publish a `source` condition of their own, pointing at TypeScript Node cannot load.
 */
export default defineProject({
  resolve: {
    alias: [
      { find: /^@smart-ai-hub\/adapters\/testing$/, replacement: source('adapters/src/testing/index.ts') },
      { find: /^@smart-ai-hub\/adapters$/, replacement: source('adapters/src/index.ts') },
      { find: /^@smart-ai-hub\/sdk$/, replacement: source('sdk/src/index.ts') },
    ],
  },
  test: {
    name: 'example-responses-agents',
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
