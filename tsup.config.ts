import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  dts: true,
  clean: true,
  // One copy of MikroORM per application: a second bundled copy would break `instanceof` and RequestContext.
  external: [/^@mikro-orm\//, 'pg', 'zod'],
  sourcemap: false,
  splitting: false,
});
