import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Table and column names live in the entity definitions alone: every query is typed from them, so a renamed property
 * fails to compile where a query uses it, instead of failing at run time.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Type-checks `src/` with one file's text replaced; returns the errors per file (relative paths). */
function typeErrorsWith(file: string, edit: (text: string) => string): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => {
    const text = readFile(path);
    return text !== undefined && path === `${root}${file}` ? edit(text) : text;
  };
  const rootNames = config.fileNames.filter((name) => name.startsWith(`${root}src/`));
  const program = ts.createProgram({ rootNames, options: { ...config.options, noEmit: true }, host });
  const errors = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const path = diagnostic.file?.fileName.replace(root, '') ?? '(global)';
    errors.set(path, [...(errors.get(path) ?? []), ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')]);
  }
  return errors;
}

describe('queries are typed from the entities', () => {
  it('src/ compiles as it is', () => {
    expect([...typeErrorsWith('src/index.ts', (text) => text).keys()]).toEqual([]);
  });

  it('renaming a property of Cam breaks the queries that use its column', () => {
    const errors = typeErrorsWith('src/cam/cam.entity.ts', (text) => text.replace('duration: p.integer(),', 'durationDegrees: p.integer(),'));
    expect(errors.get('src/cam/cam.statements.ts')?.join('\n')).toMatch(/duration/);
    expect(errors.get('src/project/project.statements.ts')?.join('\n')).toMatch(/duration/);
  });

  it('renaming the table of User breaks the queries on it', () => {
    const errors = typeErrorsWith('src/user/user.entity.ts', (text) => text.replace("tableName: 'users'", "tableName: 'app_users'"));
    expect(errors.get('src/user/user.statements.ts')?.join('\n')).toMatch(/users/);
  });
}, 120_000);

describe('only public APIs of dependencies', () => {
  it('no structural casts or reaches into MikroORM, Kysely or pg internals in src/', () => {
    const files = readdirSync(`${root}src`, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
    const offending = files.filter((name) => /as unknown as|getNativeClient|getExecutor\(|provideConnection/.test(readFileSync(`${root}src/${name}`, 'utf8')));
    expect(offending).toEqual([]);
  });
});
