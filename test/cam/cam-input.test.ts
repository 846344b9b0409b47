import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError, type CamDto } from '../../src/index.ts';
import { encodeCursor } from '../../src/common/pagination.ts';
import { camInput, createUserWithProject } from '../support/fixtures.ts';
import { acceptedOrRefused, anyCursorId, anyCursorKey, anyInteger, anyText, fitsVarchar255, isCursorOf, isInt32, runs, useTableState } from '../support/inputs.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
const state = useTableState(database);

/** Hundredths (what numeric(5,2) holds), any double, and values the column would round or refuse. */
const anyLift = fc.oneof(
  fc.integer({ min: -5, max: 100_005 }).map((hundredths) => hundredths / 100),
  fc.double({ min: -1, max: 1001 }),
  fc.constantFrom(1e-9, 11.430000001, 0.005, 0.01, 999.99, 999.994, 999.995, 1000, Number.NaN, Infinity),
);
const anyDuration = fc.oneof(fc.integer({ min: -2, max: 725 }), anyInteger);

/** Exactly what numeric(5,2) stores and hands back unchanged, > 0 as a lift must be. Written apart from src on purpose. */
const fitsLift = (lift: number) => lift > 0 && lift <= 999.99 && Number(lift.toFixed(2)) === lift;
const fitsDuration = (duration: number) => Number.isInteger(duration) && duration >= 1 && duration <= 720;
/** A stale version is a ConflictError: the input was taken. */
const conflictTaken = (error: unknown) => (error instanceof ConflictError ? error : Promise.reject(error));

let userId: string;
let projectId: number;
let cam: CamDto;
beforeAll(async () => {
  const { user, project } = await createUserWithProject(database.db, 'cams');
  userId = user.id;
  projectId = project.id;
  cam = await database.db.cams.create(userId, projectId, camInput({ profilePoints: undefined }));
});

describe('cams: every input is stored unchanged or refused with its field named', () => {
  it('create and update: name, lift and duration', async () => {
    const field = fc.oneof(
      anyText.map((name) => ({ name }) as const),
      anyLift.map((lift) => ({ lift }) as const),
      anyDuration.map((duration) => ({ duration }) as const),
    );
    await fc.assert(
      fc.asyncProperty(field, fc.boolean(), async (change, viaUpdate) => {
        const [[key, value]] = Object.entries(change) as [[keyof typeof change, string | number]];
        const fits = key === 'name' ? fitsVarchar255(value as string) : key === 'lift' ? fitsLift(value as number) : fitsDuration(value as number);
        const call = viaUpdate
          ? () => database.db.cams.update(userId, cam.id, change)
          : () => database.db.cams.create(userId, projectId, camInput({ ...change, profilePoints: undefined }));
        await acceptedOrRefused(state, { accepted: fits, path: [key] }, call, async (written) => {
          const stored = key === 'name' ? (value as string).trim() : value;
          expect((written as CamDto)[key]).toBe(stored);
          expect((await database.db.cams.get(userId, (written as CamDto).id))[key]).toBe(stored);
        });
      }),
      runs,
    );
  });

  it('createMany: the name of each cam', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyText, { minLength: 1, maxLength: 3 }), async (names) => {
        const unfit = names.findIndex((name) => !fitsVarchar255(name));
        const call = () => database.db.cams.createMany(userId, projectId, names.map((name) => camInput({ name, profilePoints: undefined })));
        await acceptedOrRefused(state, { accepted: unfit === -1, path: [unfit, 'name'] }, call, async (created) => {
          const stored = await Promise.all((created as CamDto[]).map((one) => database.db.cams.get(userId, one.id)));
          expect(stored.map((one) => one.name)).toEqual(names.map((name) => name.trim()));
        });
      }),
      runs,
    );
  });

  it('createMany of 25 cams and more, streamed with COPY: the name of each cam', async () => {
    // Any text in the first few, then plain names up to the size from which the cams are copied, not inserted.
    const filler = Array.from({ length: 25 }, (_, index) => `Copied ${index}`);
    await fc.assert(
      fc.asyncProperty(fc.array(anyText, { minLength: 1, maxLength: 3 }), async (names) => {
        const all = [...names, ...filler];
        const unfit = all.findIndex((name) => !fitsVarchar255(name));
        const call = () => database.db.cams.createMany(userId, projectId, all.map((name) => camInput({ name, profilePoints: undefined })));
        await acceptedOrRefused(state, { accepted: unfit === -1, path: [unfit, 'name'] }, call, async (created) => {
          expect((created as CamDto[]).map((one) => one.name)).toEqual(all.map((name) => name.trim()));
          const stored = await Promise.all((created as CamDto[]).slice(0, names.length).map((one) => database.db.cams.get(userId, one.id)));
          expect(stored.map((one) => one.name)).toEqual(names.map((name) => name.trim()));
        });
      }),
      { numRuns: 30 },
    );
  });

  it('update: expectedVersion', async () => {
    await fc.assert(
      fc.asyncProperty(anyInteger, async (expectedVersion) => {
        const accepted = isInt32(expectedVersion) && expectedVersion >= 1;
        await acceptedOrRefused(state, { accepted, path: ['expectedVersion'] }, () =>
          database.db.cams.update(userId, cam.id, { duration: 270 }, { expectedVersion }).catch(conflictTaken),
        );
      }),
      runs,
    );
  });

  it('list: duration and lift bounds, forged cursors', async () => {
    const filter = fc.oneof(
      fc.tuple(fc.constantFrom('durationMin', 'durationMax'), anyDuration),
      fc.tuple(fc.constantFrom('liftMin', 'liftMax'), fc.oneof(anyLift, fc.double())),
    );
    await fc.assert(
      fc.asyncProperty(filter, async ([key, value]) => {
        // Durations are integers bound for an integer parameter; a lift bound is compared with numeric, any finite one.
        const accepted = key.startsWith('duration') ? isInt32(value) && value >= 0 : Number.isFinite(value) && value >= 0;
        await acceptedOrRefused(state, { accepted, path: [key] }, () => database.db.cams.list(userId, projectId, { [key]: value }));
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(anyCursorKey, anyCursorId, async (key, id) => {
        const [, parsedKey, parsedId] = JSON.parse(JSON.stringify([0, key, id])) as unknown[];
        const after = encodeCursor({ ordering: 'id:asc', key: key as number, id: id as number });
        await acceptedOrRefused(state, { accepted: isCursorOf('id', parsedKey, parsedId), path: ['after'] }, () => database.db.cams.list(userId, projectId, { after }));
      }),
      runs,
    );
  });

  it('user ids, project ids and cam ids of every call', async () => {
    const calls: Record<string, [string, (user: string, id: number) => Promise<unknown>]> = {
      create: ['projectId', (user, id) => database.db.cams.create(user, id, camInput())],
      createMany: ['projectId', (user, id) => database.db.cams.createMany(user, id, [camInput()])],
      list: ['projectId', (user, id) => database.db.cams.list(user, id)],
      get: ['camId', (user, id) => database.db.cams.get(user, id)],
      update: ['camId', (user, id) => database.db.cams.update(user, id, { name: 'x' })],
      delete: ['camId', (user, id) => database.db.cams.delete(user, id)],
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(calls)), anyText, anyInteger, fc.boolean(), async (name, user, id, badUser) => {
        // One argument arbitrary at a time, the other valid but naming nothing of this user's: accepted means NotFoundError.
        const [idName, call] = calls[name]!;
        const [givenUser, givenId] = badUser ? [user, projectId] : [`nobody_${user.length}`, id];
        const accepted = badUser ? fitsVarchar255(user) : isInt32(id) && id >= 1;
        await acceptedOrRefused(state, { accepted, path: [badUser ? 'userId' : idName] }, () => call(givenUser, givenId), (result) => {
          expect(result).toBeInstanceOf(NotFoundError);
        });
      }),
      runs,
    );
  });
});

describe('cams: the cases PostgreSQL refuses or would store changed', () => {
  it.each([
    ['a NUL in the name', { name: 'Intake\u0000' }, ['name']],
    ['a lone surrogate in the name', { name: 'a\ud800b' }, ['name']],
    ['a lift numeric(5,2) would round to 11.43', { lift: 11.430000001 }, ['lift']],
    ['a lift numeric(5,2) would store as 0', { lift: 1e-9 }, ['lift']],
  ])('create refuses %s, naming the field, and writes nothing', async (_case, override, path) => {
    const before = await state();
    const error = await database.db.cams.create(userId, projectId, camInput({ ...override, profilePoints: undefined })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
    expect(await state()).toBe(before);
  });

  it('refuses numbers beyond integer with the field named, not the driver’s message', async () => {
    await expect(database.db.cams.list(userId, projectId, { durationMax: 2 ** 31 })).rejects.toMatchObject({ issues: [{ path: ['durationMax'] }] });
    await expect(database.db.cams.update(userId, cam.id, { name: 'x' }, { expectedVersion: 2 ** 31 })).rejects.toMatchObject({ issues: [{ path: ['expectedVersion'] }] });
    await expect(database.db.cams.get(userId, 2 ** 31)).rejects.toMatchObject({ issues: [{ path: ['camId'] }] });
    await expect(database.db.cams.list(userId, 2 ** 31)).rejects.toMatchObject({ issues: [{ path: ['projectId'] }] });
    const after = encodeCursor({ ordering: 'id:asc', key: 2 ** 31, id: 2 ** 31 });
    await expect(database.db.cams.list(userId, projectId, { after })).rejects.toMatchObject({ issues: [{ path: ['after'] }] });
  });
});
