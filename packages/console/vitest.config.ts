import { defineProject } from 'vitest/config';

/**
 * The console's end-to-end tests: real Chromium (Debian's, driven by playwright-core) against a
 * real hub serving the built console. The global setup builds the console when `dist` is missing.
 */
export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'console',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/support/build-console.ts'],
    // One browser at a time: the machine has two cores and the other projects run beside it.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
