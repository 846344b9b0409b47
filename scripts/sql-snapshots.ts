/**
 * The SQL of every statement the repositories send, as committed next to each statements module (`<name>.statements.sql`):
 * reviewers see each change of the SQL in a diff. `npm run sql:generate` writes the files; a test fails when the
 * committed SQL and the code disagree.
 */
import { format } from 'sql-formatter';
import { CAM_STATEMENTS } from '../src/cam/cam.statements.ts';
import { PROJECT_STATEMENTS } from '../src/project/project.statements.ts';
import { USER_EMAIL_STATEMENTS } from '../src/user/user-email.statements.ts';
import { USER_STATEMENTS } from '../src/user/user.statements.ts';

/** The schema the SQL is shown for: the default one, where existing installations keep their tables. */
const SCHEMA = 'public';

/** A statement, COPY or statement with variants, whatever its parameters and rows. */
type AnyStatement = { sql(schema: string): string } | { exampleStatements(): { variant: unknown; statement: { sql(schema: string): string } }[] };

const REPOSITORIES: { file: string; repository: string; statements: Record<string, AnyStatement> }[] = [
  { file: 'src/user/user.statements.sql', repository: 'UserRepository', statements: USER_STATEMENTS },
  { file: 'src/user/user-email.statements.sql', repository: 'UserRepository', statements: USER_EMAIL_STATEMENTS },
  { file: 'src/project/project.statements.sql', repository: 'ProjectRepository', statements: PROJECT_STATEMENTS },
  { file: 'src/cam/cam.statements.sql', repository: 'CamRepository', statements: CAM_STATEMENTS },
];

/** Each committed file's path (from the repository root) and content. */
export function sqlSnapshots(): { file: string; content: string }[] {
  return REPOSITORIES.map(({ file, repository, statements }) => {
    const source = file.replace(/\.sql$/, '.ts');
    const sections = Object.entries(statements).flatMap(([name, statement]) =>
      variantsOf(statement).map(({ label, sql }) => `-- ${repository}.${name}${label}\n${format(sql, { language: 'postgresql', keywordCase: 'lower', tabWidth: 2 })};\n`),
    );
    const header =
      `-- The SQL of every statement of ${repository} (${source}), compiled for schema "${SCHEMA}".\n` +
      `-- Written by \`npm run sql:generate\`: do not edit. Statements compiled per variant are shown for each variant\n` +
      `-- a call can ask for, or for a few row counts where the variant is a number of rows.\n`;
    return { file, content: [header, ...sections].join('\n') };
  });
}

function variantsOf(statement: AnyStatement): { label: string; sql: string }[] {
  if ('exampleStatements' in statement) {
    return statement.exampleStatements().map(({ variant, statement }) => ({ label: ` (${describe(variant)})`, sql: statement.sql(SCHEMA) }));
  }
  return [{ label: '', sql: statement.sql(SCHEMA) }];
}

function describe(variant: unknown): string {
  if (typeof variant === 'number') return `${variant} ${variant === 1 ? 'row' : 'rows'}`;
  if (typeof variant === 'object' && variant !== null) return Object.entries(variant).map(([key, value]) => `${key}: ${String(value)}`).join(', ');
  return String(variant);
}
