import { defineConfig } from 'vitest/config';

/** The tests on a real Citus cluster (`.ci/run` runs them where Citus can be had): `npx vitest run --config test/citus/vitest.config.ts`. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/citus/**/*.test.ts'],
    globalSetup: ['test/citus/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
