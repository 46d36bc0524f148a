import { defineConfig } from 'vitest/config';

/**
 * One test run over every package and example; each is a project with its own config. The
 * `source` condition makes workspace packages resolve to their TypeScript sources (no build
 * needed); it is set here too because global setups load through the root's resolver.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: ['packages/*', 'examples/*'],
  },
});
