import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (no build needed), except the
// child-process runs of the built binary and the worker-thread tests, which need `tsc -b`:
// `pnpm test` runs it first, `vitest run` alone runs it in test/global-setup.ts.
const ssr = { resolve: { conditions: ['@cytorx/source'] } };
const common = { environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } as const;
const e2e = ['test/**/*.e2e.test.ts'];

export default defineConfig({
  ssr,
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // vitest's default is one worker per core minus one: a single worker on 2 cores, which
    // leaves a core idle while a test waits on a child process or the loopback emulator.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        ssr,
        test: {
          ...common,
          name: 'unit',
          include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          exclude: e2e,
          // One module graph for every unit file: no test file mocks modules or keeps global
          // state, and re-importing rxjs/undici/the packages per file was most of the run.
          isolate: false,
        },
      },
      { ssr, test: { ...common, name: 'e2e', include: e2e } },
    ],
  },
});
