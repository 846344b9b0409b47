import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError, type UserDto } from '../../src/index.ts';
import { createUser } from '../support/fixtures.ts';
import { acceptedOrRefused, anyText, fitsVarchar255, runs, storable, useTableState } from '../support/inputs.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
const state = useTableState(database);
let sequence = 0;
const freshEmail = () => `input.${++sequence}@example.com`;
/** E-mail addresses with arbitrary text in the local part or the domain: most refused by the address rules. */
const anyEmail = fc.oneof(
  anyText,
  anyText.map((local) => `${local}@example.com`),
  anyText.map((domain) => `someone@${domain}.com`),
  fc.emailAddress(),
);

let existing: UserDto;
beforeAll(async () => {
  existing = await createUser(database.db, 'existing');
});

describe('users: every text input is stored unchanged or refused with its field named', () => {
  it('upsert: the id', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (id) => {
        const email = freshEmail();
        await acceptedOrRefused(state, { accepted: fitsVarchar255(id), path: ['id'] }, () => database.db.users.upsert({ id, email }), async (user) => {
          expect(user).toMatchObject({ id: id.trim(), email });
          expect(await database.db.users.get(id.trim())).toEqual(user);
        });
      }),
      runs,
    );
  });

  it('upsert and update: the e-mail address', async () => {
    await fc.assert(
      fc.asyncProperty(anyEmail, fc.boolean(), async (generated, viaUpdate) => {
        // Each address once: a second user with the same one is a ConflictError, not what this property is about.
        const email = `${++sequence}.${generated}`;
        // The address rules decide most of these; what PostgreSQL cannot store must be refused whatever they say.
        const expected = { accepted: storable(email) ? undefined : false, path: ['email'] };
        const call = viaUpdate
          ? () => database.db.users.update(existing.id, { email })
          : () => database.db.users.upsert({ id: `mail_${++sequence}`, email });
        await acceptedOrRefused(state, expected, call, async (user) => {
          expect(user).toMatchObject({ email });
          expect((await database.db.users.getByEmail(email)).email).toBe(email);
        });
      }),
      runs,
    );
  });

  it('get, update and delete: the id argument', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.constantFrom('get', 'update', 'delete'), async (id, call) => {
        const attempt: Record<typeof call, () => Promise<UserDto | void>> = {
          get: () => database.db.users.get(id),
          update: () => database.db.users.update(id, { subscriptionStatus: 'pro' }),
          delete: () => database.db.users.delete(id),
        };
        await acceptedOrRefused(state, { accepted: fitsVarchar255(id), path: ['id'] }, attempt[call], (result) => {
          if (result && !(result instanceof NotFoundError)) expect(result.id).toBe(id.trim());
        });
      }),
      runs,
    );
  });

  it('getByEmail and getWithProjects: the address argument', async () => {
    await fc.assert(
      fc.asyncProperty(anyEmail, fc.boolean(), async (email, withProjects) => {
        const attempt = withProjects ? () => database.db.users.getWithProjects(email) : () => database.db.users.getByEmail(email);
        await acceptedOrRefused(state, { accepted: storable(email) ? undefined : false, path: ['email'] }, attempt);
      }),
      runs,
    );
  });
});

describe('users: the cases PostgreSQL refuses or would store changed', () => {
  it.each([
    ['a NUL in the id', { id: 'user\u0000x', email: 'nul.id@example.com' }, ['id']],
    ['a NUL in the e-mail address', { id: 'user_nul_mail', email: 'nul\u0000@example.com' }, ['email']],
    ['a lone high surrogate in the id', { id: 'x\ud800', email: 'high@example.com' }, ['id']],
    ['a lone low surrogate in the id', { id: 'x\udfff', email: 'low@example.com' }, ['id']],
    ['a lone surrogate inside the id', { id: 'a\udc00b', email: 'inside@example.com' }, ['id']],
  ])('upsert refuses %s, naming the field, and writes nothing', async (_case, input, path) => {
    const before = await state();
    const error = await database.db.users.upsert(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
    expect(await state()).toBe(before);
  });

  it('keeps ids that differ only by a lone surrogate from naming one user', async () => {
    for (const id of ['x\ud800', 'x\udfff', 'x\udc00']) {
      await expect(database.db.users.get(id)).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: ['id'] }] });
    }
  });

  it('names the positional argument: get(id), getByEmail(email)', async () => {
    await expect(database.db.users.get('a\u0000')).rejects.toMatchObject({ issues: [{ path: ['id'] }] });
    await expect(database.db.users.getByEmail('a\u0000@example.com')).rejects.toMatchObject({ issues: [{ path: ['email'] }] });
    await expect(database.db.users.delete('')).rejects.toMatchObject({ issues: [{ path: ['id'] }] });
  });

  it('takes an id of 255 characters outside the BMP: varchar(255) counts characters, not UTF-16 units', async () => {
    const id = '\u{1f600}'.repeat(255);
    expect((await database.db.users.upsert({ id, email: 'emoji@example.com' })).id).toBe(id);
    await expect(database.db.users.get(`${id}\u{1f600}`)).rejects.toMatchObject({ issues: [{ path: ['id'], code: 'too_big' }] });
  });
});
