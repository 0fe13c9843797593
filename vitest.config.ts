import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of every workspace package (the
// `@tributary/source` export condition), so no build is needed first.
export default defineConfig({
  resolve: { conditions: ['@tributary/source', 'import', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@tributary/source', 'import', 'node', 'default'], externalConditions: ['@tributary/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    setupFiles: ['tools/fuzz/fast-check-setup.ts'],
  },
});
