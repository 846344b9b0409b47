/**
 * The MikroORM versions the consumer test installs the package with: every release on the registry that lies in the
 * declared peer range of `@mikro-orm/core`, `@mikro-orm/migrations` and `@mikro-orm/postgresql` and that exists for
 * all three of them. A host can only install the three at one and the same version (migrations and postgresql each
 * require `@mikro-orm/core` at exactly their own version), so a release missing one of them is not installable and is
 * left out. Asked of the registry at run time, so a new release is checked without a change here.
 *
 * CONSUMER_MIKRO_ORM_VERSIONS (comma-separated, e.g. `7.2.0,7.2.1`) replaces the list.
 *
 * `node scripts/mikro-orm-versions.ts` prints the list.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const mikroOrmPackages = ['@mikro-orm/core', '@mikro-orm/migrations', '@mikro-orm/postgresql'] as const;

/** The versions of `name` that satisfy `range`, oldest first; npm applies the range (and leaves out prereleases). */
async function registryVersions(name: string, range: string): Promise<string[]> {
  const { stdout } = await run('npm', ['view', `${name}@${range}`, 'version', '--json'], { maxBuffer: 16 * 1024 * 1024 });
  // One match is printed as a string, several as an array, none as nothing.
  const parsed = stdout.trim() ? (JSON.parse(stdout) as string | string[]) : [];
  return typeof parsed === 'string' ? [parsed] : parsed;
}

export interface VersionList {
  versions: string[];
  /** Where the list came from, for the log. */
  source: string;
}

export async function mikroOrmVersions(peerDependencies: Record<string, string>): Promise<VersionList> {
  const override = process.env.CONSUMER_MIKRO_ORM_VERSIONS?.trim();
  if (override) {
    return { versions: override.split(',').map((version) => version.trim()).filter(Boolean), source: 'CONSUMER_MIKRO_ORM_VERSIONS' };
  }
  const perPackage = await Promise.all(
    mikroOrmPackages.map((name) => {
      const range = peerDependencies[name];
      if (!range) throw new Error(`package.json declares no peer dependency on ${name}`);
      return registryVersions(name, range);
    }),
  );
  const [first = [], ...rest] = perPackage;
  const versions = first.filter((version) => rest.every((list) => list.includes(version)));
  if (!versions.length) throw new Error('no MikroORM version in the peer range exists for all of core, migrations and postgresql');
  const ranges = [...new Set(mikroOrmPackages.map((name) => peerDependencies[name]))].join(', ');
  return { versions, source: `the registry, peer range ${ranges}, released for core, migrations and postgresql` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
  const { versions, source } = await mikroOrmVersions(manifest.peerDependencies);
  console.log(`${versions.join(' ')} (from ${source})`);
}
