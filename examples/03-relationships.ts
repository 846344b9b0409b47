/**
 * 3. Relationships: a user has projects, a project has cams. Load a user with everything in a fixed number of
 * statements, however many projects and cams there are.
 *
 *   npm run example -- relationships
 */
import { connect, User } from '@enginecampro/db';
import { exampleDatabase } from './support/database.ts';
import { lobeProfile } from './support/lobe.ts';

const database = await exampleDatabase();
// debug: true logs each statement (with placeholders, never values) through `logger`: here we only count them.
let statements = 0;
const db = connect({ url: database.url, debug: true, logger: () => statements++ });
const counted = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  statements = 0;
  const result = await work();
  return [result, statements];
};

try {
  await db.migrate();
  const user = await db.users.upsert({ id: 'user_builder', email: 'builder@example.com' });

  // Three projects; each gets an intake and an exhaust lobe, written in one multi-row statement per project.
  for (const [name, lift] of [['Street', 11.43], ['Strip', 13.21], ['Marine', 10.16]] as const) {
    const project = await db.projects.create(user.id, { name });
    await db.cams.createMany(user.id, project.id, [
      { name: `${name} intake`, camType: 'intake', lift, duration: 268, profilePoints: lobeProfile({ lift }) },
      { name: `${name} exhaust`, camType: 'exhaust', lift: lift - 0.25, duration: 276, profilePoints: lobeProfile({ lift: lift - 0.25, span: 146 }) },
    ]);
  }

  // The service function builds the whole graph in PostgreSQL (JSON aggregation) and sends one statement.
  const [graph, graphStatements] = await counted(() => db.users.getWithProjects('builder@example.com'));
  console.log(`users.getWithProjects: ${graphStatements} statement`);
  for (const project of graph.projects) {
    console.log(`  ${project.name}: ${project.cams.map((cam) => `${cam.name} ${cam.lift} mm`).join(', ')}`);
  }

  // One project with its cams: also one statement. Cams in lists and graphs are summaries, without their profile
  // points; cams.get() returns a whole cam.
  const [street, projectStatements] = await counted(() => db.projects.get(user.id, graph.projects[0]!.id, { withCams: true }));
  console.log(`projects.get with cams: ${projectStatements} statement, ${street.cams.length} cams`);

  // The same graph through MikroORM entities: populate loads each level with one more statement (select-in), never
  // one per row. Use entities when you want a unit of work to change them; use the services to read.
  const [entity, entityStatements] = await counted(() =>
    db.fork().findOneOrFail(User, { email: 'builder@example.com' }, { populate: ['projects.cams'] }),
  );
  const camCount = entity.projects.getItems().reduce((sum, project) => sum + project.cams.count(), 0);
  console.log(`entities with populate: ${entityStatements} statements for ${entity.projects.count()} projects and ${camCount} cams`);
  console.log(`navigating both ways: ${entity.projects[0]!.cams[0]!.project.user.email}`);
} finally {
  await db.close();
  await database.stop();
}
