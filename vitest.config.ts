import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run the domain package from its TypeScript source, like the type checker does.
  resolve: {
    alias: { '@rollbook/domain': fileURLToPath(new URL('packages/domain/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each test file gets its own database; two cores run two files at once.
    maxWorkers: 2,
  },
});
