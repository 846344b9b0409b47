import { describe, expect, it } from 'vitest';
import { ConflictError, ConnectionError, DataAccessError, NotFoundError, ValidationError } from '../../src/index.ts';
import { toDataAccessError } from '../../src/common/map-error.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

/** The error PostgreSQL really raises for `sql`, as MikroORM hands it to us. */
async function driverError(sql: string): Promise<unknown> {
  return database.db.fork().execute(sql).then(
    () => {
      throw new Error(`expected ${sql} to fail`);
    },
    (error: unknown) => error,
  );
}

describe('toDataAccessError, on errors PostgreSQL really raises', () => {
  it('maps the case-insensitive e-mail unique violation to a ConflictError saying so, keeping the cause', async () => {
    await database.db.fork().execute(`insert into users (id, email) values ('map_a', 'map@example.com')`);
    const cause = await driverError(`insert into users (id, email) values ('map_b', 'MAP@example.com')`);
    const mapped = toDataAccessError(cause);
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped).toMatchObject({ code: 'CONFLICT', message: 'This e-mail address is already taken by another user', cause });
  });

  it('maps a duplicate id to a ConflictError', async () => {
    expect(toDataAccessError(await driverError(`insert into users (id, email) values ('map_a', 'other@example.com')`))).toMatchObject({
      code: 'CONFLICT',
      message: 'A user with this id already exists',
    });
  });

  it('maps a foreign key to a missing row to NotFoundError of the referenced entity', async () => {
    expect(toDataAccessError(await driverError(`insert into projects (user_id, name) values ('user_gone', 'x')`))).toMatchObject({
      code: 'NOT_FOUND',
      entity: 'User',
      id: 'user_gone',
    });
    const error = toDataAccessError(await driverError(`insert into cams (user_id, project_id, name, cam_type, lift, duration) values ('map_a', 2000000000, 'x', 'intake', 1, 1)`));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'Project', id: 2000000000 });
  });

  it('maps CHECK, NOT NULL and out-of-range numbers to ValidationError', async () => {
    const [project] = await database.db.fork().execute<{ id: number }[]>(`insert into projects (user_id, name) values ('map_a', 'p') returning id`);
    for (const sql of [
      `insert into cams (user_id, project_id, name, cam_type, lift, duration) values ('map_a', ${project!.id}, 'x', 'rocker', 1, 1)`,
      `insert into cams (user_id, project_id, name, cam_type, lift, duration) values ('map_a', ${project!.id}, null, 'intake', 1, 1)`,
      `insert into cams (user_id, project_id, name, cam_type, lift, duration) values ('map_a', ${project!.id}, 'x', 'intake', 1000, 1)`,
    ]) {
      expect(toDataAccessError(await driverError(sql))).toBeInstanceOf(ValidationError);
    }
  });

  it('maps a prepared statement the server connection does not hold to a retryable ConnectionError saying what to set', async () => {
    // What a server connection behind a transaction pooler says to a client that prepared the statement on another one.
    const mapped = toDataAccessError(await driverError('execute enginecampro_not_prepared_here'));
    expect(mapped).toBeInstanceOf(ConnectionError);
    expect(mapped).toMatchObject({ reason: 'prepared-statement', retryable: true });
    expect(mapped.message).toContain('preparedStatements: false');
  });

  it('passes our own errors through and wraps the unforeseen as DataAccessError with its cause', async () => {
    const own = new ConflictError('mine');
    expect(toDataAccessError(own)).toBe(own);
    const cause = await driverError('select * from no_such_table');
    expect(toDataAccessError(cause)).toMatchObject({ constructor: DataAccessError, code: 'DATA_ACCESS', cause });
    expect(toDataAccessError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(ConnectionError);
  });

  it('maps serialization failures and deadlocks to a retryable ConflictError, and nothing else the caller did wrong is retryable', async () => {
    for (const sqlState of ['40001', '40P01']) {
      const error = toDataAccessError(await driverError(`do $$ begin raise exception 'collided' using errcode = '${sqlState}'; end $$`));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ retryable: true, message: expect.stringMatching(/rolled back: repeat it$/) });
    }
    expect(toDataAccessError(await driverError(`insert into users (id, email) values ('map_a', 'x@example.com')`)).retryable).toBe(false);
    expect(toDataAccessError(await driverError('select * from no_such_table')).retryable).toBe(false);
    const invalid = await database.db.users.get('').catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ code: 'VALIDATION', retryable: false });
    const missing = await database.db.users.get('user_nobody').catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', retryable: false });
  });

  it('maps a statement the server cancelled to a retryable ConnectionError: nothing of it was written', async () => {
    const error = toDataAccessError(await driverError(`select set_config('statement_timeout', '1', true); select pg_sleep(1)`));
    expect(error).toMatchObject({ code: 'CONNECTION', reason: 'statement-timeout', retryable: true });
    expect(error.message).toMatch(/^The server cancelled the statement \(canceling statement due to statement timeout\)/);
  });
});
