/**
 * Quick start: open the database, apply the package's migrations, and walk a user through its life.
 *
 *   npm run example
 */
import { connect } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';
import { lobeProfile } from './support/lobe.ts';

const database = await exampleDatabase();
const db = connect({ url: database.url });
try {
  const applied = await db.migrate();
  console.log(`migrated: ${applied.length ? applied.join(', ') : 'already up to date'}`);

  const john = await db.users.upsert({ id: 'user_2abc', email: 'john@example.com' });
  console.log(`created user ${john.id} <${john.email}> on the ${john.subscriptionStatus} plan`);

  const project = await db.projects.create(john.id, { name: 'Small-block street cam', description: '350 ci, hydraulic roller' });
  const cam = await db.cams.create(john.id, project.id, {
    name: 'Intake lobe',
    camType: 'intake',
    lift: 11.43, // mm: the profile's largest radius minus its base circle radius
    duration: 268, // advertised duration, crank degrees
    profilePoints: lobeProfile({ lift: 11.43 }),
  });
  console.log(`added cam "${cam.name}" to "${project.name}": ${cam.lift} mm lift, ${cam.profileAnalysis!.durationCrankDegrees} crank degrees at 1 mm`);

  const found = await db.users.getWithProjects('JOHN@example.com');
  console.log(`read back by e-mail: ${found.projects.length} project, ${found.projects[0]!.cams.length} cam`);

  const pro = await db.users.update(john.id, { subscriptionStatus: 'pro' });
  console.log(`upgraded to ${pro.subscriptionStatus}`);

  await db.users.delete(john.id);
  const left = await db.projects.list(john.id);
  console.log(`deleted the user: ${left.items.length} projects left`);
} finally {
  await db.close();
  await database.stop();
}
