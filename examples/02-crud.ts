/**
 * 2. CRUD: create a user, read it by e-mail and count its projects, upgrade it to 'pro', delete it and watch its
 * projects and cams go with it.
 *
 *   npm run example -- crud
 */
import { connect, NotFoundError } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';
import { lobeProfile } from './support/lobe.ts';

const database = await exampleDatabase();
const db = connect({ url: database.url });
try {
  await db.migrate();

  // Create. Users come from the auth provider: its id is the primary key, never one we make up. upsert() is what a
  // sign-in webhook calls, and calling it twice with the same data changes nothing.
  const user = await db.users.upsert({ id: 'user_2abc', email: 'John@Example.com' });
  console.log(`created ${user.id} <${user.email}>, plan ${user.subscriptionStatus}`);

  await db.projects.create(user.id, { name: 'Small-block street' });
  const race = await db.projects.create(user.id, { name: 'Big-block race' });
  await db.cams.create(user.id, race.id, { name: 'Solid roller intake', camType: 'intake', lift: 14.22, duration: 292, profilePoints: lobeProfile({ lift: 14.22, span: 150 }) });

  // Read. E-mail addresses are compared without regard to case: this finds John@Example.com.
  const found = await db.users.getWithProjects('john@example.com');
  console.log(`found by e-mail: ${found.email} with ${found.projects.length} projects`);

  // Update. Only the fields given change; the result is the stored user.
  const upgraded = await db.users.update(user.id, { subscriptionStatus: 'pro' });
  console.log(`upgraded: plan ${upgraded.subscriptionStatus}`);

  // Delete. The database cascades to projects and their cams.
  await db.users.delete(user.id);
  const [counts] = await db.fork().execute<{ projects: number; cams: number }[]>(
    `select (select count(*)::int from projects) as projects, (select count(*)::int from cams) as cams`,
  );
  console.log(`deleted: ${counts!.projects} projects and ${counts!.cams} cams left`);

  // A missing record is a typed error, not a null to forget to check.
  try {
    await db.users.get(user.id);
  } catch (error) {
    if (error instanceof NotFoundError) console.log(`reading it again: ${error.code} (${error.entity} ${error.id})`);
  }
} finally {
  await db.close();
  await database.stop();
}
