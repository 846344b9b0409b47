import { describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../migrations/index.ts';
import { useTestDatabase } from '../support/test-database.ts';

const names = bundledMigrations.map((migration) => migration.name);
const camOwners = names.find((name) => name.endsWith('_cam_owners'))!;
const before = names[names.indexOf(camOwners) - 1]!;

describe('the cam-owners migration on an installation that has cams', () => {
  const database = useTestDatabase({ migrated: false });

  it("gives every cam its project's owner, and makes the column required", async () => {
    const { db } = database;
    await db.migrate({ to: before });
    const em = db.fork();
    for (const owner of ['owner_a', 'owner_b']) {
      await em.execute(`insert into users (id, email) values (?, ?)`, [owner, `${owner}@example.com`]);
      const [project] = await em.execute<{ id: number }[]>(`insert into projects (user_id, name) values (?, 'p') returning id`, [owner]);
      await em.execute(`insert into cams (project_id, name, cam_type, lift, duration) values (?, 'c1', 'intake', 10, 250), (?, 'c2', 'exhaust', 10, 250)`, [project!.id, project!.id]);
    }

    expect(await db.migrate({ to: camOwners })).toEqual([camOwners]);
    const owners = await em.execute<{ name: string; user_id: string; owner: string }[]>(
      `select c.name, c.user_id, p.user_id as owner from cams c join projects p on p.id = c.project_id order by c.id`,
    );
    expect(owners).toHaveLength(4);
    for (const cam of owners) expect(cam.user_id).toBe(cam.owner);
    await expect(em.execute(`insert into cams (project_id, name, cam_type, lift, duration) values (?, 'no owner', 'intake', 10, 250)`, [1])).rejects.toMatchObject({ code: '23502' });
    // The cams written before the migration are served like any other.
    const [first] = owners;
    expect((await db.cams.list(first!.owner, (await db.projects.list(first!.owner)).items[0]!.id)).items.map((cam) => cam.name)).toEqual(['c1', 'c2']);
  });

  it('rolls back to cams without an owner column', async () => {
    expect(await database.db.rollback({ to: before })).toEqual([camOwners]);
    const [column] = await database.db.fork().execute<{ found: boolean }[]>(
      `select exists (select from information_schema.columns where table_name = 'cams' and column_name = 'user_id') as found`,
    );
    expect(column!.found).toBe(false);
  });
});
