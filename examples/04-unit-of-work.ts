/**
 * 4. Units of work: several service calls in one transaction, a failure that rolls all of them back, and the same
 * work composed with a host application's own MikroORM EntityManager, where entity changes and service calls mix.
 *
 *   npm run example -- unit-of-work
 */
import { defineEntity, MikroORM, p } from '@mikro-orm/postgresql';
import { Cam, cams, ConflictError, connect, entities, projects, User, users } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';
import { lobeProfile } from './support/lobe.ts';

const database = await exampleDatabase();
const db = connect({ url: database.url });
try {
  await db.migrate();
  const user = await db.users.upsert({ id: 'user_tuner', email: 'tuner@example.com' });
  await db.users.upsert({ id: 'user_other', email: 'other@example.com' });

  // Each db.* call is its own unit of work. db.transaction() makes several calls one: committed when the callback
  // returns, rolled back when it throws. Call the services on `tx`, not on `db`, inside it.
  const project = await db.transaction(async (tx) => {
    const created = await tx.projects.create(user.id, { name: 'Dual pattern' });
    await tx.cams.createMany(user.id, created.id, [
      { name: 'Intake', camType: 'intake', lift: 11.43, duration: 268, profilePoints: lobeProfile({ lift: 11.43 }) },
      { name: 'Exhaust', camType: 'exhaust', lift: 11.18, duration: 276, profilePoints: lobeProfile({ lift: 11.18, span: 146 }) },
    ]);
    await tx.users.update(user.id, { subscriptionStatus: 'pro' });
    return created;
  });
  console.log(`committed: project "${project.name}" with ${(await db.cams.list(user.id, project.id)).items.length} cams, user now ${(await db.users.get(user.id)).subscriptionStatus}`);

  // A failure anywhere rolls back everything the callback did, and the error comes out typed.
  try {
    await db.transaction(async (tx) => {
      await tx.projects.create(user.id, { name: 'Never saved' });
      await tx.users.update(user.id, { email: 'other@example.com' }); // taken by user_other
    });
  } catch (error) {
    if (error instanceof ConflictError) console.log(`rolled back: ${error.message}`);
  }
  const names = (await db.projects.list(user.id)).items.map((item) => item.name);
  console.log(`projects after the rollback: ${names.join(', ')}`);

  // A host application with its own MikroORM registers our entities beside its own and calls the exported service
  // functions with its EntityManager: they join its transaction instead of opening their own.
  const AuditEntry = defineEntity({
    name: 'AuditEntry',
    tableName: 'audit_entries',
    properties: { id: p.integer().primary(), user: () => p.manyToOne(User), action: p.string() },
  });
  const host = new MikroORM({ entities: [...entities, AuditEntry], clientUrl: database.url, ensureDatabase: false });
  await host.schema.execute('create table if not exists audit_entries (id serial primary key, user_id varchar(255) not null references users on delete cascade, action varchar(255) not null)');
  await host.em.fork().transactional(async (em) => {
    const copy = await projects.duplicate(em, user.id, project.id, { name: 'Dual pattern, variant B' });
    await cams.update(em, user.id, copy.cams[0]!.id, { duration: 272 });
    em.create(AuditEntry, { user: em.getReference(User, user.id), action: `duplicated project ${project.id}` });
    // flush happens at commit: the host's entity and our rows land in the same transaction
  });
  const audit = await host.em.fork().find(AuditEntry, {}, { populate: ['user'] });
  const everything = await users.getWithProjects(host.em.fork(), 'tuner@example.com');
  console.log(`host transaction: ${audit.map((entry) => `${entry.user.email} ${entry.action}`).join('; ')}`);
  console.log(`now ${everything.projects.length} projects: ${everything.projects.map((item) => item.name).join(', ')}`);

  // Entities and service calls mix on one EntityManager. The service write refreshes the managed Cam (values,
  // version), so the host's own change flushed afterwards is checked against the new version and keeps the write.
  const em = host.em.fork();
  const intake = await em.findOneOrFail(Cam, { project: project.id, name: 'Intake' });
  await cams.update(em, user.id, intake.id, { duration: 270 }, { expectedVersion: intake.version });
  intake.name = 'Intake, revised';
  await em.flush();
  console.log(`mixed on one EntityManager: ${intake.name}, ${intake.duration} degrees, version ${intake.version}`);
  await host.close();
} finally {
  await db.close();
  await database.stop();
}
