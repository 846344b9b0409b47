import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, type ProjectDocument } from '../src/index.ts';
import { camInput, createUser, createUserWithProject } from './support/fixtures.ts';
import { useTestDatabase } from './support/test-database.ts';

const database = useTestDatabase();
let ownerId: string;
let intruderId: string;
let projectId: number;
let camId: number;
let before: ProjectDocument['project'];

beforeAll(async () => {
  const { user, project } = await createUserWithProject(database.db, 'owner');
  ownerId = user.id;
  projectId = project.id;
  camId = (await database.db.cams.create(ownerId, projectId, camInput())).id;
  before = (await database.db.projects.export(ownerId, projectId)).project;
  intruderId = (await createUser(database.db, 'intruder')).id;
});

describe("another user's project and cam ids behave exactly as missing ones", () => {
  const db = () => database.db;
  const project = () => ({ entity: 'Project', id: projectId });
  const cam = () => ({ entity: 'Cam', id: camId });
  it.each<[string, () => Promise<unknown>, () => { entity: string; id: number }]>([
    ['projects.get', () => db().projects.get(intruderId, projectId), project],
    ['projects.get with cams', () => db().projects.get(intruderId, projectId, { withCams: true }), project],
    ['projects.update', () => db().projects.update(intruderId, projectId, { name: 'mine now' }), project],
    ['projects.delete', () => db().projects.delete(intruderId, projectId), project],
    ['projects.duplicate', () => db().projects.duplicate(intruderId, projectId), project],
    ['projects.export', () => db().projects.export(intruderId, projectId), project],
    ['cams.create', () => db().cams.create(intruderId, projectId, camInput()), project],
    ['cams.createMany', () => db().cams.createMany(intruderId, projectId, [camInput(), camInput()]), project],
    ['cams.createMany of 25, streamed with COPY', () => db().cams.createMany(intruderId, projectId, Array.from({ length: 25 }, () => camInput())), project],
    ['cams.list', () => db().cams.list(intruderId, projectId), project],
    ['cams.get', () => db().cams.get(intruderId, camId), cam],
    ['cams.update', () => db().cams.update(intruderId, camId, { name: 'mine now' }), cam],
    ['cams.update with expectedVersion', () => db().cams.update(intruderId, camId, { name: 'mine now' }, { expectedVersion: 1 }), cam],
    ['cams.update with a lift to check', () => db().cams.update(intruderId, camId, { lift: 3 }), cam],
    ['cams.delete', () => db().cams.delete(intruderId, camId), cam],
  ])('%s raises the NotFoundError a missing id raises', async (_name, call, expected) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    const { entity, id } = expected();
    expect(error).toMatchObject({ entity, id, message: `${entity} ${id} not found` });
  });

  it('and none of those calls changed anything', async () => {
    expect((await database.db.projects.export(ownerId, projectId)).project).toEqual(before);
    expect((await database.db.cams.get(ownerId, camId)).version).toBe(1);
    expect((await database.db.projects.list(intruderId)).items).toEqual([]);
  });
});
