import pg from 'pg';

/** A transaction of another client that holds a row lock, so a call that needs the row waits until it is released. */
export interface RowLock {
  release(): Promise<void>;
}

/** Locks `users` row `userId` FOR UPDATE: writes to the user, and inserts of its projects, wait for it. */
export async function lockUser(url: string, userId: string): Promise<RowLock> {
  const client = new pg.Client(url);
  await client.connect();
  await client.query('begin');
  const { rowCount } = await client.query('select 1 from users where id = $1 for update', [userId]);
  if (rowCount !== 1) throw new Error(`lockUser: no user ${userId}`);
  return {
    release: async () => {
      await client.query('rollback');
      await client.end();
    },
  };
}

/**
 * The server process of the session named `applicationName` once it waits for a lock, in this database only: test
 * runs that share a server must never pick each other's sessions.
 */
export async function waitingBackend(url: string, applicationName: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ pid: number }>(
        `select pid from pg_stat_activity
          where application_name = $1 and wait_event_type = 'Lock' and datname = current_database()`,
        [applicationName],
      );
      if (rows[0]) return rows[0].pid;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

/** Runs one statement on the database at `url` as a client of its own. */
export async function queryAt<Row extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
