import { defineConfig } from 'vitest/config';

/** One test run over every package; each package is a project with its own config. */
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
  },
});
