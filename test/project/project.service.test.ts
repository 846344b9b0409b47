import { describe, expect, it } from 'vitest';
import { NotFoundError, projectSchema, projectWithCamsSchema, ValidationError } from '../../src/index.ts';
import { camInput, createUser, createUserWithProject } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

describe('projects.create and projects.get', () => {
  it('create a project of the user and read it back', async () => {
    const user = await createUser(database.db);
    const project = await database.db.projects.create(user.id, { name: '  Small-block street  ', description: '350 ci, hydraulic roller' });
    expect(projectSchema.parse(project)).toEqual(project);
    expect(project).toMatchObject({ userId: user.id, name: 'Small-block street', description: '350 ci, hydraulic roller' });
    expect(await database.db.projects.get(user.id, project.id)).toEqual(project);
  });

  it('read a project with its cams, without profile points', async () => {
    const { user, project } = await createUserWithProject(database.db);
    await database.db.cams.createMany(user.id, project.id, [camInput({ name: 'A' }), camInput({ name: 'B', camType: 'exhaust' })]);
    const withCams = await database.db.projects.get(user.id, project.id, { withCams: true });
    expect(projectWithCamsSchema.parse(withCams)).toEqual(withCams);
    expect(withCams.cams.map((cam) => [cam.name, cam.hasProfile])).toEqual([['A', true], ['B', true]]);
    expect(withCams.cams[0]).not.toHaveProperty('profilePoints');
  });

  it('raise NotFoundError for a user that does not exist, and for a missing project', async () => {
    await expect(database.db.projects.create('user_ghost', { name: 'x' })).rejects.toMatchObject({ entity: 'User', id: 'user_ghost' });
    const user = await createUser(database.db);
    await expect(database.db.projects.get(user.id, 2_000_000_000)).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'Project' });
  });

  it('refuse an empty name and unknown fields', async () => {
    const user = await createUser(database.db);
    await expect(database.db.projects.create(user.id, { name: ' ' })).rejects.toBeInstanceOf(ValidationError);
    await expect(database.db.projects.create(user.id, { name: 'x', owner: 'me' } as never)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('projects.update and projects.delete', () => {
  it('rename, clear the description, and refuse an empty patch', async () => {
    const user = await createUser(database.db);
    const project = await database.db.projects.create(user.id, { name: 'Draft', description: 'notes' });
    const renamed = await database.db.projects.update(user.id, project.id, { name: 'Final' });
    expect(renamed).toMatchObject({ name: 'Final', description: 'notes' });
    expect(renamed.updatedAt > project.updatedAt).toBe(true);
    expect(await database.db.projects.update(user.id, project.id, { description: null })).toMatchObject({ name: 'Final', description: null });
    await expect(database.db.projects.update(user.id, project.id, {})).rejects.toBeInstanceOf(ValidationError);
  });

  it('delete the project with its cams', async () => {
    const { user, project } = await createUserWithProject(database.db);
    const cam = await database.db.cams.create(user.id, project.id, camInput());
    await database.db.projects.delete(user.id, project.id);
    await expect(database.db.projects.get(user.id, project.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(database.db.cams.get(user.id, cam.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(database.db.projects.delete(user.id, project.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('projects.duplicate', () => {
  it('copies the project and all its cams, profiles included', async () => {
    const { user, project } = await createUserWithProject(database.db);
    await database.db.cams.createMany(user.id, project.id, [camInput({ name: 'Intake' }), camInput({ name: 'Exhaust', camType: 'exhaust', profilePoints: undefined, lift: 10 })]);
    const copy = await database.db.projects.duplicate(user.id, project.id);
    expect(copy).toMatchObject({ name: `${project.name} (copy)`, userId: user.id });
    expect(copy.id).not.toBe(project.id);
    expect(copy.cams.map((cam) => [cam.name, cam.projectId, cam.hasProfile])).toEqual([
      ['Intake', copy.id, true],
      ['Exhaust', copy.id, false],
    ]);
    const original = await database.db.projects.get(user.id, project.id, { withCams: true });
    const strip = (cams: typeof copy.cams) => cams.map(({ name, camType, lift, duration, hasProfile }) => ({ name, camType, lift, duration, hasProfile }));
    expect(strip(copy.cams)).toEqual(strip(original.cams));
    expect((await database.db.cams.get(user.id, copy.cams[0]!.id)).profilePoints).toEqual(camInput().profilePoints);
  });

  it('takes a new name, and copies an empty project', async () => {
    const { user, project } = await createUserWithProject(database.db);
    expect(await database.db.projects.duplicate(user.id, project.id, { name: 'Variant B' })).toMatchObject({ name: 'Variant B', cams: [] });
  });

  it('raises NotFoundError for a missing project and copies nothing', async () => {
    const user = await createUser(database.db);
    await expect(database.db.projects.duplicate(user.id, 2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
    expect((await database.db.projects.list(user.id)).items).toEqual([]);
  });
});
