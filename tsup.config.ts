import { dirname, resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const publicEntry = resolve('src/index.ts');
const cliDir = resolve('src/cli');

/**
 * The command line imports the package through `src/index.ts`. In the build that import must load `./index.js`,
 * the published entry, rather than bundle a second copy of the entities and migrations into `dist/cli.js`.
 */
const cliUsesPublishedEntry: EsbuildPlugin = {
  name: 'cli-uses-published-entry',
  setup(build) {
    build.onResolve({ filter: /index\.ts$/ }, (args) =>
      dirname(args.importer).startsWith(cliDir) && resolve(args.resolveDir, args.path) === publicEntry
        ? { path: './index.js', external: true }
        : undefined,
    );
  },
};

export default defineConfig({
  // `src/cli/main.ts` starts with `#!/usr/bin/env node`, which the build keeps (and marks dist/cli.js executable).
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  // Types for the library only: the command line is no import target.
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  // One copy of MikroORM per application: a second bundled copy would break `instanceof` and RequestContext. Kysely
  // is the one MikroORM brings (it pins it exactly): ours would be a second copy beside it.
  external: [/^@mikro-orm\//, /^kysely(\/|$)/, 'pg', 'pg-copy-streams', 'zod'],
  esbuildPlugins: [cliUsesPublishedEntry],
  sourcemap: false,
  splitting: false,
});
