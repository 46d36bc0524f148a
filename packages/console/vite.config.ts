import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The console builds to `dist/`: `index.html` and hashed files under `assets/`. Asset URLs are
 * relative (`base: './'`): the hub adds `<base href>` for the path it is mounted at. The
 * workspace packages are built from their sources (the `source` condition).
 */
export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    manifest: true,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // MUI marks its modules 'use client' (for React Server Components): meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `pnpm --filter @smart-ai-hub/console dev` next to `pnpm start`: the API is the hub's.
    proxy: Object.fromEntries(
      ['/api', '/v1', '/healthz'].map((path) => [path, process.env.HUB_URL ?? 'http://127.0.0.1:8787']),
    ),
  },
});
