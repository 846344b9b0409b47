import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PROJECT_DOCUMENT_FORMAT, ValidationError, type ProjectDto } from '../../src/index.ts';
import { encodeCursor } from '../../src/common/pagination.ts';
import { camInput, createUserWithProject } from '../support/fixtures.ts';
import {
  acceptedOrRefused,
  anyCursorId,
  anyCursorKey,
  anyInteger,
  anyText,
  fitsVarchar255,
  isCursorOf,
  isInt32,
  runs,
  storable,
  useTableState,
} from '../support/inputs.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
const state = useTableState(database);
const anyDescription = fc.option(anyText, { nil: null });

let userId: string;
let project: ProjectDto;
beforeAll(async () => {
  ({ user: { id: userId }, project } = await createUserWithProject(database.db, 'inputs'));
});

/** The path of the first field that must be refused, or undefined when all fit. */
function firstUnfit(fields: [PropertyKey[], boolean][]): PropertyKey[] | undefined {
  return fields.find(([, fits]) => !fits)?.[0];
}

describe('projects: every text input is stored unchanged or refused with its field named', () => {
  it('create: name and description', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyDescription, async (name, description) => {
        const unfit = firstUnfit([[['name'], fitsVarchar255(name)], [['description'], description === null || storable(description)]]);
        await acceptedOrRefused(state, { accepted: !unfit, path: unfit ?? [] }, () => database.db.projects.create(userId, { name, description }), async (created) => {
          expect(created).toMatchObject({ name: name.trim(), description });
          expect(await database.db.projects.get(userId, (created as ProjectDto).id)).toEqual(created);
        });
      }),
      runs,
    );
  });

  it('update: name or description; duplicate: the name of the copy', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.constantFrom('name', 'description', 'duplicate'), async (text, field) => {
        const call =
          field === 'duplicate'
            ? () => database.db.projects.duplicate(userId, project.id, { name: text })
            : () => database.db.projects.update(userId, project.id, { [field]: text });
        const fits = field === 'description' ? storable(text) : fitsVarchar255(text);
        await acceptedOrRefused(state, { accepted: fits, path: [field === 'duplicate' ? 'name' : field] }, call, async (written) => {
          const stored = field === 'description' ? text : text.trim();
          expect(written).toMatchObject({ [field === 'duplicate' ? 'name' : field]: stored });
          expect(await database.db.projects.get(userId, (written as ProjectDto).id)).toMatchObject({ [field === 'duplicate' ? 'name' : field]: stored });
        });
      }),
      runs,
    );
  });

  it('import: the project name and description and each cam name', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyDescription, fc.array(anyText, { minLength: 1, maxLength: 3 }), async (name, description, camNames) => {
        const document = {
          format: PROJECT_DOCUMENT_FORMAT,
          version: 1,
          exportedAt: new Date().toISOString(),
          project: { name, description, cams: camNames.map((camName) => camInput({ name: camName, profilePoints: undefined })) },
        };
        const unfit = firstUnfit([
          [['project', 'name'], fitsVarchar255(name)],
          [['project', 'description'], description === null || storable(description)],
          ...camNames.map((camName, index): [PropertyKey[], boolean] => [['project', 'cams', index, 'name'], fitsVarchar255(camName)]),
        ]);
        await acceptedOrRefused(state, { accepted: !unfit, path: unfit ?? [] }, () => database.db.projects.import(userId, document), async (imported) => {
          const exported = await database.db.projects.export(userId, (imported as ProjectDto).id);
          expect(exported.project).toMatchObject({ name: name.trim(), description, cams: camNames.map((camName) => ({ name: camName.trim() })) });
        });
      }),
      runs,
    );
  });

  it('list: the search text finds a project of that very name', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (search) => {
        const named = fitsVarchar255(search) ? await database.db.projects.create(userId, { name: search }) : undefined;
        await acceptedOrRefused(state, { accepted: fitsVarchar255(search), path: ['search'] }, () => database.db.projects.list(userId, { search, limit: 1000 }), (page) => {
          expect((page as { items: ProjectDto[] }).items.map((item) => item.id)).toContain(named!.id);
        });
      }),
      runs,
    );
  });

  it('user ids and project ids of every call', async () => {
    const calls: Record<string, ((user: string) => Promise<unknown>) | ((user: string, id: number) => Promise<unknown>)> = {
      create: (user: string) => database.db.projects.create(user, { name: 'x' }),
      list: (user: string) => database.db.projects.list(user),
      import: (user: string) => database.db.projects.import(user, { format: PROJECT_DOCUMENT_FORMAT, version: 1, exportedAt: new Date().toISOString(), project: { name: 'x', description: null, cams: [] } }),
      get: (user: string, id: number) => database.db.projects.get(user, id),
      update: (user: string, id: number) => database.db.projects.update(user, id, { name: 'x' }),
      delete: (user: string, id: number) => database.db.projects.delete(user, id),
      duplicate: (user: string, id: number) => database.db.projects.duplicate(user, id),
      export: (user: string, id: number) => database.db.projects.export(user, id),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(calls)), anyText, anyInteger, fc.boolean(), async (name, user, id, badUser) => {
        // One argument arbitrary at a time, the other one valid but naming nothing: every accepted call is a NotFoundError.
        const [givenUser, givenId] = badUser ? [user, 2_000_000_000] : [`nobody_${user.length}`, id];
        const takesId = calls[name]!.length === 2;
        const accepted = badUser ? fitsVarchar255(user) : !takesId || (isInt32(id) && id >= 1);
        await acceptedOrRefused(state, { accepted, path: [badUser ? 'userId' : 'projectId'] }, () => calls[name]!(givenUser, givenId), (result) => {
          if (name !== 'list') expect(result).toBeInstanceOf(NotFoundError);
        });
      }),
      runs,
    );
  });

  it('list: forged cursors, page sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('createdAt', 'updatedAt', 'name'), fc.constantFrom('asc', 'desc'), anyCursorKey, anyCursorId, async (orderBy, direction, key, id) => {
        const [, parsedKey, parsedId] = JSON.parse(JSON.stringify([0, key, id])) as unknown[];
        const after = encodeCursor({ ordering: `${orderBy}:${direction}`, key: key as string, id: id as number });
        await acceptedOrRefused(state, { accepted: isCursorOf(orderBy, parsedKey, parsedId), path: ['after'] }, () =>
          database.db.projects.list(userId, { orderBy, direction, after }),
        );
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(anyInteger, async (limit) => {
        await acceptedOrRefused(state, { accepted: Number.isInteger(limit) && limit >= 1 && limit <= 1000, path: ['limit'] }, () => database.db.projects.list(userId, { limit }));
      }),
      runs,
    );
  });
});

describe('projects: the cases PostgreSQL refuses or would store changed', () => {
  it.each([
    ['a NUL in the name', { name: 'Cam\u0000aro' }, ['name']],
    ['a NUL in the description', { name: 'Camaro', description: 'street\u0000' }, ['description']],
    ['a lone surrogate in the name', { name: 'a\ud800b' }, ['name']],
    ['a lone surrogate in the description', { name: 'Camaro', description: '\udfff' }, ['description']],
  ])('create refuses %s, naming the field, and writes nothing', async (_case, input, path) => {
    const before = await state();
    const error = await database.db.projects.create(userId, input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
    expect(await state()).toBe(before);
  });

  it('refuses a NUL in search text, user id and an imported cam name', async () => {
    await expect(database.db.projects.list(userId, { search: '\u0000' })).rejects.toMatchObject({ issues: [{ path: ['search'] }] });
    await expect(database.db.projects.list('user\u0000')).rejects.toMatchObject({ issues: [{ path: ['userId'] }] });
    const document = await database.db.projects.export(userId, project.id);
    document.project.cams = [camInput({ name: 'Intake\u0000', profilePoints: undefined })];
    await expect(database.db.projects.import(userId, document)).rejects.toMatchObject({ issues: [{ path: ['project', 'cams', 0, 'name'] }] });
  });

  it('reports a user id with a line break that names no user as NotFoundError', async () => {
    await expect(database.db.projects.create('no\nbody', { name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'User', id: 'no\nbody' });
  });

  it('refuses project ids beyond integer, naming the argument', async () => {
    for (const id of [2 ** 31, -(2 ** 31) - 1, 0, 1.5]) {
      await expect(database.db.projects.get(userId, id)).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: ['projectId'] }] });
    }
    await expect(database.db.projects.get(userId, 2 ** 31 - 1)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a forged cursor with a key that is no date for a date ordering', async () => {
    const after = encodeCursor({ ordering: 'createdAt:desc', key: 'yesterday', id: 1 });
    await expect(database.db.projects.list(userId, { after })).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: ['after'] }] });
    const wrongType = encodeCursor({ ordering: 'name:asc', key: 5, id: 1 });
    await expect(database.db.projects.list(userId, { orderBy: 'name', after: wrongType })).rejects.toMatchObject({ issues: [{ path: ['after'] }] });
  });
});
