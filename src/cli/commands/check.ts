import type { ConnectionReport, Database } from '../../index.ts';
import { distributedTables, withoutDistributedLayout, withoutDistributedPolicyForms } from '../../citus/drift.ts';
import { isDistributedByUser } from '../../citus/layout.ts';
import { ALL_ROWS_POLICY } from '../../common/acting-user.ts';
import { END_USER_POLICY } from '../../migrator/privileges.ts';
import type { Command } from '../command.ts';
import { ExitCode } from '../exit-codes.ts';
import { plural, type Output } from '../output.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check the connection, the pending migrations and schema drift',
  usage: 'check',
  details: [
    'Connects, reports the server, the round trip and the package tables, then lists the pending migrations and',
    'compares the schema with the entities. Exits 1 when a migration is pending or the schema differs. Writes nothing.',
  ],
  options: {},
  async run({ db, displayUrl, out }) {
    const report = await db.checkConnection();
    const schemaDiff = await schemaDifferences(db, report.schema);
    const ok = report.pendingMigrations.length === 0 && schemaDiff.length === 0;
    if (out.json) {
      out.document({ ok, url: displayUrl, ...report, schemaDrift: schemaDiff.length > 0, schemaDiff });
    } else {
      printReport(out, displayUrl, report, schemaDiff);
      out.line(verdict(report.pendingMigrations.length, schemaDiff.length));
    }
    return ok ? ExitCode.success : ExitCode.failure;
  },
};

/**
 * The statements that would bring the package's tables in line with its entities; none when they agree. Tables,
 * views and functions the entities do not know are left out (`dropTables: false`): in a database shared with a host
 * application they belong to the host, not to drift.
 */
async function schemaDifferences(db: Database, schema: string): Promise<string[]> {
  // Of this schema alone: another installation in the same database (a schema per tenant) is not this one's drift.
  const sql = await db.orm.schema.getUpdateSchemaSQL({ wrap: false, dropTables: false, schema });
  const statements = sql
    .split('\n')
    .map((statement) => statement.trim())
    .filter(Boolean);
  const em = db.fork();
  const differences = withoutDistributedPolicyForms(withoutAccessPolicies(statements), schema, await distributedTables(em, schema));
  return (await isDistributedByUser(em, schema)) ? withoutDistributedLayout(em, differences, schema) : differences;
}

/** The policies `migrate()` keeps by its options (`grantTo` without `enforceOwnership`, `endUsers`), which the entities do not declare. */
const ACCESS_POLICIES = new Set([ALL_ROWS_POLICY, END_USER_POLICY]);

/** `statements` without dropping the access policies: they are what the installation was told, not drift. */
function withoutAccessPolicies(statements: string[]): string[] {
  return statements.filter((statement) => {
    const dropped = /^drop policy "([^"]+)" on /.exec(statement)?.[1];
    return dropped === undefined || !ACCESS_POLICIES.has(dropped);
  });
}

function printReport(out: Output, displayUrl: string, report: ConnectionReport, schemaDiff: string[]): void {
  const { pendingMigrations: pending, missingTables } = report;
  out.line(`Database    ${displayUrl}`);
  out.line(`Server      PostgreSQL ${report.serverVersion}, database ${report.database}, user ${report.user}`);
  out.line(`Round trip  ${report.latencyMillis.toFixed(1)} ms`);
  out.line(`Tables      ${missingTables.length ? `missing: ${missingTables.join(', ')}` : 'all present'}`);
  out.line(`Migrations  ${pending.length ? `${pending.length} pending: ${pending.join(', ')}` : 'up to date'}`);
  if (schemaDiff.length === 0) {
    out.line('Schema      matches the entities');
  } else if (pending.length) {
    // Before the pending migrations run, a difference is their expected consequence, not news worth listing.
    out.line(`Schema      differs from the entities until the pending migrations are applied (run: enginecampro-db migrate)`);
  } else {
    out.line(`Schema      differs from the entities: ${plural(schemaDiff.length, 'statement')} would change it`);
    for (const statement of schemaDiff) out.line(`              ${statement}`);
  }
}

function verdict(pending: number, differences: number): string {
  if (pending) return `Check failed: ${plural(pending, 'pending migration')}.`;
  if (differences) return 'Check failed: the schema was changed outside the migrations.';
  return 'Check passed.';
}
