import pg from 'pg';

/**
 * Runs `work` while a trigger in the database of `url` makes every insert of a cam named `name` fail: a row that
 * passes validation and is refused by the database, in whichever statement of a call writes it.
 */
export async function refusingCamsNamed(url: string, name: string, work: () => Promise<void>): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(`create function refuse_cam() returns trigger language plpgsql as $$
      begin if new.name = ${client.escapeLiteral(name)} then raise exception 'cam refused in the test'; end if; return new; end $$`);
    await client.query('create trigger refuse_cam before insert on cams for each row execute function refuse_cam()');
    await work();
  } finally {
    await client.query('drop function if exists refuse_cam() cascade');
    await client.end();
  }
}
