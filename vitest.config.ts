import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // On a Citus cluster of their own: test/citus/vitest.config.ts, run by .ci/run where Citus can be had.
    exclude: [...configDefaults.exclude, 'test/citus/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
