import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests import workspace packages from their TypeScript sources: no build needed.
  ssr: { resolve: { conditions: ['@cytorx/source'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
