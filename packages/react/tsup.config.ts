import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['react', '@smart-ai-hub/sdk'],
  // Hooks run on the client: React Server Components frameworks (Next.js) need the directive.
  banner: { js: "'use client';" },
});
