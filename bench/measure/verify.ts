import type { AnyLibrary, LibraryName } from '../libraries/library.ts';
import { librariesOf, runScenario, type Scenario } from '../scenarios.ts';
import { difference } from './equivalence.ts';
import { statementsOf } from '../../test/support/statement-counter.ts';

export interface Verification {
  /** Statements per operation, by scenario then library. */
  statements: Record<string, Partial<Record<LibraryName, number>>>;
  /** The statements as sent (the start of each), for the report's reader who wants to know why. */
  statementTexts: Record<string, Partial<Record<LibraryName, string[]>>>;
}

/**
 * One untimed operation per scenario and library: counts its statements and proves its result is ours (value for
 * value for reads, key for key for writes). A library that returns something else fails the run.
 */
export async function verify(libraries: readonly AnyLibrary[], scenarios: readonly Scenario[]): Promise<Verification> {
  const verification: Verification = { statements: {}, statementTexts: {} };
  for (const scenario of scenarios) {
    let expected: unknown;
    verification.statements[scenario.id] = {};
    verification.statementTexts[scenario.id] = {};
    for (const library of librariesOf(scenario, libraries)) {
      // The same turn for everyone: the same cam, the same project, the same input.
      const turn = { caller: 0, iteration: 0 };
      const { result, statements } = await statementsOf(() => runScenario(scenario, library, turn));
      scenario.check(result, turn);
      await scenario.afterSlice?.(1);
      verification.statements[scenario.id]![library.name] = statements.length;
      verification.statementTexts[scenario.id]![library.name] = statements.map(abridged);
      if (statements.length === 0) throw new Error(`${library.name} sent no statement through pg.Client#query in ${scenario.id}: it is not counted`);
      if (library.name === 'ours') {
        expected = result;
      } else {
        const problem = difference(expected, result, scenario.kind);
        if (problem) throw new Error(`${library.name} returns another result than ours in ${scenario.id}: ${problem}`);
      }
    }
  }
  return verification;
}

/** MikroORM sends values inlined in the SQL text: a bulk insert is megabytes of it. */
function abridged(statement: string): string {
  const LIMIT = 400;
  return statement.length <= LIMIT ? statement : `${statement.slice(0, LIMIT)}… (${statement.length.toLocaleString('en-US')} characters)`;
}
