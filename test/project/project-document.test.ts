import { describe, expect, it } from 'vitest';
import { NotFoundError, PROJECT_DOCUMENT_FORMAT, projectDocumentSchema, ValidationError } from '../../src/index.ts';
import { camInput, createUser, createUserWithProject, lobeProfile } from '../support/fixtures.ts';
import { refusingCamsNamed } from '../support/refusing-cams.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();


describe('projects.export', () => {
  it('writes a versioned, self-describing document with every cam and profile', async () => {
    const { user, project } = await createUserWithProject(database.db);
    await database.db.projects.update(user.id, project.id, { description: 'Dual-pattern street cam' });
    await database.db.cams.createMany(user.id, project.id, [
      camInput({ name: 'Intake', lift: 11.43 }),
      camInput({ name: 'Exhaust', camType: 'exhaust', lift: 11.2, profilePoints: lobeProfile({ lift: 11.2, asymmetry: 10 }) }),
      camInput({ name: 'Spare', lift: 9, profilePoints: undefined }),
    ]);
    const document = await database.db.projects.export(user.id, project.id);
    expect(projectDocumentSchema.parse(document)).toEqual(document);
    expect(document).toMatchObject({ format: PROJECT_DOCUMENT_FORMAT, version: 1, project: { name: project.name, description: 'Dual-pattern street cam' } });
    expect(document.project.cams.map((cam) => [cam.name, cam.lift, cam.profilePoints?.length ?? null])).toEqual([
      ['Intake', 11.43, 360],
      ['Exhaust', 11.2, 360],
      ['Spare', 9, null],
    ]);
  });

  it('raises NotFoundError for a missing project', async () => {
    const user = await createUser(database.db);
    await expect(database.db.projects.export(user.id, 2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('projects.import', () => {
  it('round-trips: export, import, export again gives the same project', async () => {
    const { user, project } = await createUserWithProject(database.db);
    await database.db.cams.createMany(user.id, project.id, [camInput({ name: 'A' }), camInput({ name: 'B', camType: 'exhaust', lift: 8.89, profilePoints: lobeProfile({ lift: 8.89 }) })]);
    const exported = await database.db.projects.export(user.id, project.id);

    const recipient = await createUser(database.db, 'recipient');
    const imported = await database.db.projects.import(recipient.id, JSON.parse(JSON.stringify(exported)));
    expect(imported).toMatchObject({ userId: recipient.id, name: project.name });
    expect(imported.cams.map((cam) => cam.name)).toEqual(['A', 'B']);

    const again = await database.db.projects.export(recipient.id, imported.id);
    expect(again.project).toEqual(exported.project);
  });

  it('validates the whole document and creates nothing when any part is wrong', async () => {
    const { user, project } = await createUserWithProject(database.db);
    await database.db.cams.create(user.id, project.id, camInput());
    const document = await database.db.projects.export(user.id, project.id);
    const recipient = await createUser(database.db, 'careful');
    const broken = structuredClone(document);
    broken.project.cams.push({ ...camInput({ name: 'bad' }), lift: 3 });
    const error = await database.db.projects.import(recipient.id, broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([['project', 'cams', 1, 'lift']]);
    expect((await database.db.projects.list(recipient.id)).items).toEqual([]);
  });

  it.each([
    ['another format', { format: 'something.else' }],
    ['a future version', { version: 2 }],
    ['no project', { project: undefined }],
  ])('refuses a document of %s', async (_case, override) => {
    const user = await createUser(database.db);
    const document = { format: PROJECT_DOCUMENT_FORMAT, version: 1, exportedAt: new Date().toISOString(), project: { name: 'x', description: null, cams: [] }, ...override };
    await expect(database.db.projects.import(user.id, document)).rejects.toBeInstanceOf(ValidationError);
  });

  it('imports a project with a thousand cams in one statement, in the order of the document', async () => {
    const user = await createUser(database.db, 'bulk');
    // Names in no order a sort could restore: only the document's order gives this sequence.
    const cams = Array.from({ length: 1000 }, (_, i) => camInput({ name: `Lobe ${(i * 389) % 1000}` }));
    const document = { format: PROJECT_DOCUMENT_FORMAT, version: 1, exportedAt: new Date().toISOString(), project: { name: 'Catalogue', description: null, cams } };
    const imported = await database.db.projects.import(user.id, document);
    expect(imported.cams.map((cam) => cam.name)).toEqual(cams.map((cam) => cam.name));
    expect((await database.db.projects.export(user.id, imported.id)).project.cams.map((cam) => cam.name)).toEqual(cams.map((cam) => cam.name));
  });

  it('imports thousands of cams in input order, in one transaction: none of them, nor the project, when a statement fails', async () => {
    const user = await createUser(database.db, 'many');
    const cams = Array.from({ length: 2500 }, (_, i) => camInput({ name: `Lobe ${(i * 7) % 2500}`, profilePoints: undefined, lift: 10 }));
    const document = (name: string) => ({ format: PROJECT_DOCUMENT_FORMAT, version: 1, exportedAt: new Date().toISOString(), project: { name, description: null, cams } });
    const imported = await database.db.projects.import(user.id, document('Big catalogue'));
    expect(imported.cams.map((cam) => cam.name)).toEqual(cams.map((cam) => cam.name));

    // The database refuses the last cam, in the third statement: the project and the 2,000 cams before it go too.
    await refusingCamsNamed(database.url, 'Lobe 2493', async () => {
      await expect(database.db.projects.import(user.id, document('Refused catalogue'))).rejects.toThrow(/refused in the test/);
    });
    const { items } = await database.db.projects.list(user.id);
    expect(items.map((project) => project.name)).toEqual(['Big catalogue']);
  });
});
