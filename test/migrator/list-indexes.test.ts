import { describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { useTestDatabase } from '../support/test-database.ts';

const [initial, listIndexes, ...later] = bundledMigrations.map((migration) => migration.name);

describe('the list-indexes migration on an installation that has data', () => {
  const database = useTestDatabase({ migrated: false });
  const index = async (name: string) => {
    const [row] = await database.db.fork().execute<{ oid: number; valid: boolean; definition: string }[]>(
      `select indexrelid::int as oid, indisvalid as valid, pg_get_indexdef(indexrelid) as definition from pg_index where indexrelid = to_regclass(?)`,
      [name],
    );
    return row;
  };

  it('keeps an index built beforehand with CONCURRENTLY, and rebuilds one a failed concurrent build left invalid', async () => {
    const { db } = database;
    await db.migrate({ to: initial });
    // Written as the first release's tables take them: this release's service calls need its own schema.
    const em = db.fork();
    await em.execute(`insert into users (id, email) values ('owner', 'owner@example.com')`);
    const [project] = await em.execute<{ id: number }[]>(`insert into projects (user_id, name) values ('owner', 'Two cams') returning id`);
    for (const name of ['One', 'Two']) {
      await em.execute(`insert into cams (project_id, name, cam_type, lift, duration) values (?, ?, 'intake', 11.43, 268)`, [project!.id, name]);
    }

    await db.fork().execute('create index concurrently "projects_user_id_name_id_index" on "projects" ("user_id", "name", "id")');
    const prebuilt = await index('projects_user_id_name_id_index');
    // A unique build over the project's two cams fails, and leaves an invalid index under the name.
    await expect(db.fork().execute('create unique index concurrently "cams_project_id_id_index" on "cams" ("project_id")')).rejects.toThrow();
    expect(await index('cams_project_id_id_index')).toMatchObject({ valid: false });

    expect(await db.migrate({ to: listIndexes })).toEqual([listIndexes]);
    expect(await index('projects_user_id_name_id_index')).toEqual(prebuilt);
    expect(await index('cams_project_id_id_index')).toMatchObject({
      valid: true,
      definition: 'CREATE INDEX cams_project_id_id_index ON public.cams USING btree (project_id, id)',
    });
    expect(await index('projects_user_id_index')).toBeUndefined();
    expect(await db.migrate()).toEqual(later);
    expect(await db.orm.schema.getUpdateSchemaSQL({ wrap: false, dropTables: false })).toBe('');
  });

  it('rolls back to the single-column foreign-key indexes', async () => {
    expect(await database.db.rollback({ to: initial })).toEqual([...[...later].reverse(), listIndexes]);
    expect(await index('projects_user_id_index')).toMatchObject({ valid: true });
    expect(await index('cams_project_id_index')).toMatchObject({ valid: true });
    expect(await index('projects_user_id_created_at_id_index')).toBeUndefined();
    expect(await database.db.migrate()).toEqual([listIndexes, ...later]);
  });
});
