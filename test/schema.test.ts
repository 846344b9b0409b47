import { describe, expect, it } from 'vitest';
import { Cam, Project, User } from '../src/index.ts';
import { useTestDatabase } from './support/test-database.ts';

const database = useTestDatabase();

interface ColumnRow {
  column: string;
  type: string;
  nullable: boolean;
  default: string | null;
}

async function columnsOf(table: string): Promise<ColumnRow[]> {
  return database.db.fork().execute<ColumnRow[]>(
    `select a.attname as "column", format_type(a.atttypid, a.atttypmod) as "type", not a.attnotnull as nullable,
            pg_get_expr(d.adbin, d.adrelid) as "default"
       from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [table],
  );
}

const timestamps: ColumnRow[] = [
  { column: 'created_at', type: 'timestamp with time zone', nullable: false, default: 'now()' },
  { column: 'updated_at', type: 'timestamp with time zone', nullable: false, default: 'now()' },
];

describe('the migrated schema', () => {
  it('has the users table of the specification', async () => {
    expect(await columnsOf('users')).toEqual([
      { column: 'id', type: 'character varying(255)', nullable: false, default: null },
      { column: 'email', type: 'character varying(255)', nullable: false, default: null },
      { column: 'subscription_status', type: 'character varying(50)', nullable: false, default: `'free'::character varying` },
      ...timestamps,
    ]);
  });

  it('has the projects table of the specification', async () => {
    expect(await columnsOf('projects')).toEqual([
      { column: 'id', type: 'integer', nullable: false, default: `nextval('projects_id_seq'::regclass)` },
      { column: 'user_id', type: 'character varying(255)', nullable: false, default: null },
      { column: 'name', type: 'character varying(255)', nullable: false, default: null },
      { column: 'description', type: 'text', nullable: true, default: null },
      ...timestamps,
    ]);
  });

  it('has the cams table of the specification, with a version column for optimistic locking', async () => {
    expect(await columnsOf('cams')).toEqual([
      { column: 'id', type: 'integer', nullable: false, default: `nextval('cams_id_seq'::regclass)` },
      { column: 'project_id', type: 'integer', nullable: false, default: null },
      { column: 'name', type: 'character varying(255)', nullable: false, default: null },
      { column: 'cam_type', type: 'character varying(50)', nullable: false, default: null },
      { column: 'lift', type: 'numeric(5,2)', nullable: false, default: null },
      { column: 'duration', type: 'integer', nullable: false, default: null },
      { column: 'profile_points', type: 'jsonb', nullable: true, default: null },
      { column: 'version', type: 'integer', nullable: false, default: '1' },
      ...timestamps,
      // The owner of the cam's project, added by a later migration.
      { column: 'user_id', type: 'character varying(255)', nullable: false, default: null },
    ]);
  });

  it('has primary keys, the email index, and an index per list ordering that also serves the foreign keys', async () => {
    const indexes = await database.db.fork().execute<{ indexdef: string }[]>(
      `select indexdef from pg_indexes where schemaname = current_schema() and tablename in ('users', 'projects', 'cams')`,
    );
    expect(indexes.map((index) => index.indexdef).sort()).toEqual([
      'CREATE INDEX cams_project_id_id_index ON public.cams USING btree (project_id, id)',
      'CREATE UNIQUE INDEX cams_pkey ON public.cams USING btree (id)',
      'CREATE INDEX projects_user_id_created_at_id_index ON public.projects USING btree (user_id, created_at, id)',
      'CREATE INDEX projects_user_id_updated_at_id_index ON public.projects USING btree (user_id, updated_at, id)',
      'CREATE INDEX projects_user_id_name_id_index ON public.projects USING btree (user_id, name, id)',
      'CREATE UNIQUE INDEX projects_pkey ON public.projects USING btree (id)',
      'CREATE UNIQUE INDEX users_email_lower_unique ON public.users USING btree (lower((email)::text))',
      'CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)',
    ].sort());
  });

  it('cascades deletes in the database: users to projects, projects to cams', async () => {
    const rules = await database.db.fork().execute<{ constraint_name: string; delete_rule: string }[]>(
      `select constraint_name, delete_rule from information_schema.referential_constraints
        where constraint_schema = current_schema() order by constraint_name`,
    );
    expect(rules).toEqual([
      { constraint_name: 'cams_project_id_foreign', delete_rule: 'CASCADE' },
      { constraint_name: 'projects_user_id_foreign', delete_rule: 'CASCADE' },
    ]);
  });

  it('refuses a cam type other than intake or exhaust with a CHECK constraint', async () => {
    const em = database.db.fork();
    await em.execute(`insert into users (id, email) values ('check_user', 'check@example.com')`);
    const [project] = await em.execute<{ id: number }[]>(`insert into projects (user_id, name) values ('check_user', 'p') returning id`);
    const insertCam = (camType: string) =>
      em.execute(`insert into cams (user_id, project_id, name, cam_type, lift, duration) values ('check_user', ?, 'c', ?, 10, 250)`, [project!.id, camType]);
    await expect(insertCam('rocker')).rejects.toMatchObject({ code: '23514' });
    await expect(insertCam('exhaust')).resolves.toBeDefined();
  });
});

describe('users.email', () => {
  it('is unique without regard to case', async () => {
    const em = database.db.fork();
    await em.execute(`insert into users (id, email) values ('case_1', 'Test@Example.com')`);
    await expect(em.execute(`insert into users (id, email) values ('case_2', 'test@example.com')`)).rejects.toMatchObject({
      code: '23505',
    });
  });

  it('is looked up case-insensitively through the unique index', async () => {
    const [plan] = await database.db.fork().execute<{ 'QUERY PLAN': string }[]>(
      `explain (costs off) select * from users where lower(email) = lower('TEST@example.com')`,
    );
    expect(JSON.stringify(plan)).toContain('users_email_lower_unique');
  });
});

describe('entities', () => {
  it('navigate both ways: user.projects, project.user, project.cams, cam.project', async () => {
    const em = database.db.fork();
    const user = em.create(User, { id: 'nav_user', email: 'nav@example.com' });
    const project = em.create(Project, { user, name: 'Street build' });
    em.create(Cam, { project, name: 'Intake 1', camType: 'intake', lift: 11.43, duration: 268 });
    await em.flush();

    const reloaded = await database.db.fork().findOneOrFail(User, 'nav_user', { populate: ['projects.cams'] });
    const [loadedProject] = reloaded.projects.getItems();
    const [loadedCam] = loadedProject!.cams.getItems();
    expect(loadedProject!.user).toBe(reloaded);
    expect(loadedCam!.project).toBe(loadedProject);
    expect(loadedCam).toMatchObject({ name: 'Intake 1', camType: 'intake', lift: 11.43, duration: 268, version: 1 });
  });

  it('take created_at and updated_at from the database and refresh updated_at on every update', async () => {
    const em = database.db.fork();
    const user = em.create(User, { id: 'time_user', email: 'time@example.com' });
    await em.flush();
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(user.updatedAt).toEqual(user.createdAt);
    expect(user.subscriptionStatus).toBe('free');

    // A service call's update sets updated_at in its own statement.
    const upgraded = await database.db.users.update('time_user', { subscriptionStatus: 'pro' });
    expect(upgraded.updatedAt > upgraded.createdAt).toBe(true);

    // An update through the unit of work: the entity holds exactly what is stored.
    user.email = 'time2@example.com';
    await em.flush();
    const stored = await database.db.fork().findOneOrFail(User, 'time_user');
    expect(user.updatedAt).toEqual(stored.updatedAt);
    expect(user.updatedAt.getTime()).toBeGreaterThan(user.createdAt.getTime());
  });

  it('increment the cam version on every flushed change', async () => {
    const em = database.db.fork();
    const user = em.create(User, { id: 'version_user', email: 'version@example.com' });
    const cam = em.create(Cam, { project: em.create(Project, { user, name: 'p' }), name: 'v', camType: 'exhaust', lift: 10, duration: 250 });
    await em.flush();
    cam.lift = 10.5;
    await em.flush();
    cam.duration = 252;
    await em.flush();
    expect(cam.version).toBe(3);
  });

  it('deleting a user removes its projects and cams even when none is loaded', async () => {
    const em = database.db.fork();
    const user = em.create(User, { id: 'cascade_user', email: 'cascade@example.com' });
    for (const name of ['a', 'b']) {
      const project = em.create(Project, { user, name });
      em.create(Cam, { project, name: `${name}-cam`, camType: 'intake', lift: 9.5, duration: 240 });
    }
    await em.flush();

    const fresh = database.db.fork();
    fresh.remove(fresh.getReference(User, 'cascade_user'));
    await fresh.flush();

    const [counts] = await fresh.execute<{ projects: number; cams: number }[]>(
      `select (select count(*)::int from projects where user_id = 'cascade_user') as projects,
              (select count(*)::int from cams c join projects p on p.id = c.project_id where p.user_id = 'cascade_user') as cams`,
    );
    expect(counts).toEqual({ projects: 0, cams: 0 });
    expect(await fresh.count(Cam, { name: { $in: ['a-cam', 'b-cam'] } })).toBe(0);
  });

  it('deleting a loaded user removes its loaded projects and cams from the unit of work too', async () => {
    const em = database.db.fork();
    const user = em.create(User, { id: 'loaded_user', email: 'loaded@example.com' });
    em.create(Cam, { project: em.create(Project, { user, name: 'p' }), name: 'loaded-cam', camType: 'intake', lift: 9.5, duration: 240 });
    await em.flush();

    const loaded = await database.db.fork().findOneOrFail(User, 'loaded_user', { populate: ['projects.cams'] });
    const session = database.db.fork();
    const managed = await session.findOneOrFail(User, 'loaded_user', { populate: ['projects.cams'] });
    session.remove(managed);
    await session.flush();
    expect(loaded.projects.count()).toBe(1);
    expect(await database.db.fork().count(Project, { user: 'loaded_user' })).toBe(0);
    expect(await database.db.fork().count(Cam, { name: 'loaded-cam' })).toBe(0);
  });
});
