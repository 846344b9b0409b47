import { beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, type Transaction } from '../../src/index.ts';
import { camInput, createUser } from '../support/fixtures.ts';
import { statementsOf } from '../support/statement-counter.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * Cams written into a project that the same transaction created go in without the ownership check, which nothing
 * outside the transaction can make false; every other write is checked as before.
 */
const database = useTestDatabase();
const db = () => database.db;
const threeCams = () => ['First', 'Second', 'Third'].map((name) => camInput({ name }));
/** The cams INSERT of a write: the statement that names the cams table. */
const camsInsert = (statements: string[]) => statements.find((sql) => /^insert into "[^"]+"\."cams"/.test(sql))!;

let ownerId: string;
let intruderId: string;
beforeEach(async () => {
  ownerId = (await createUser(db(), 'creator')).id;
  intruderId = (await createUser(db(), 'intruder')).id;
});

describe('cams into a project the transaction created', () => {
  it('go in with a plain INSERT, in input order, as the transaction commits them', async () => {
    const { result, statements } = await statementsOf(() =>
      db().transaction(async (tx) => {
        const project = await tx.projects.create(ownerId, { name: 'New' });
        return { project, cams: await tx.cams.createMany(ownerId, project.id, threeCams()) };
      }),
    );
    expect(camsInsert(statements)).not.toMatch(/"projects"/);
    expect(result.cams.map((cam) => cam.name)).toEqual(['First', 'Second', 'Third']);
    expect((await db().cams.list(ownerId, result.project.id)).items.map((cam) => cam.name)).toEqual(['First', 'Second', 'Third']);
  });

  it('of an import past its first statement: written without the check, whether streamed or inserted in batches', async () => {
    // 1,001 cams: more than the first INSERT takes, and more than one COPY needs, so the cams go in after the project.
    const cams = Array.from({ length: 1001 }, (_, i) => camInput({ name: `Imported ${i}` }));
    const document = { format: 'enginecampro.project', version: 1, exportedAt: new Date().toISOString(), project: { name: 'Imported', description: null, cams } };
    const { result, statements } = await statementsOf(() => db().projects.import(ownerId, document));
    const laterCamsWrites = statements.filter((sql) => /insert into "[^"]+"\."cams"/.test(sql) && !/insert into "[^"]+"\."projects"/.test(sql));
    expect(laterCamsWrites).not.toEqual([]);
    for (const sql of laterCamsWrites) expect(sql).not.toMatch(/"projects"/);
    expect(result.cams.map((cam) => cam.name)).toEqual(cams.map((cam) => cam.name));
  });

  it('are checked again outside that transaction', async () => {
    const project = await db().projects.create(ownerId, { name: 'Committed' });
    const { statements } = await statementsOf(() => db().cams.createMany(ownerId, project.id, threeCams()));
    expect(camsInsert(statements)).toMatch(/"projects"/);
  });

  it("of another user: refused as missing, and the transaction goes on", async () => {
    const kept = await db().transaction(async (tx) => {
      const project = await tx.projects.create(ownerId, { name: 'Not yours' });
      await expect(tx.cams.createMany(intruderId, project.id, threeCams())).rejects.toMatchObject({ entity: 'Project', id: project.id });
      return tx.projects.get(ownerId, project.id, { withCams: true });
    });
    expect(kept.cams).toEqual([]);
  });

  it.each<[string, (tx: Transaction, projectId: number) => Promise<unknown>]>([
    ['projects.delete', (tx, projectId) => tx.projects.delete(ownerId, projectId)],
    ['users.delete of its owner', (tx) => tx.users.delete(ownerId)],
  ])('deleted in the transaction by %s: refused as missing, checked again, and the transaction goes on', async (_name, remove) => {
    await db().transaction(async (tx) => {
      const project = await tx.projects.create(ownerId, { name: 'Gone' });
      await remove(tx, project.id);
      const { result, statements } = await statementsOf(() => tx.cams.createMany(ownerId, project.id, threeCams()).catch((error: unknown) => error));
      expect(result).toBeInstanceOf(NotFoundError);
      expect(result).toMatchObject({ entity: 'Project', id: project.id });
      expect(camsInsert(statements)).toMatch(/"projects"/);
      // Nothing failed in the database: the transaction can still read.
      expect((await tx.projects.list(intruderId)).items).toEqual([]);
    });
  });

  it("deleted by the caller's own SQL in the transaction: refused by the foreign key as missing, nothing written", async () => {
    let projectId = 0;
    const error = await db()
      .transaction(async (tx) => {
        projectId = (await tx.projects.create(ownerId, { name: 'Deleted by SQL' })).id;
        await tx.em.execute('delete from projects where id = ?', [projectId]);
        await tx.cams.createMany(ownerId, projectId, threeCams());
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'Project', id: projectId });
    expect((await db().projects.list(ownerId)).items).toEqual([]);
  });
});
