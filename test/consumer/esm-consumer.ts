// An application that installed @enginecampro/db from its tarball, written as ESM TypeScript and run by Node's type
// stripping. Usage: node esm-consumer.ts <database url>. It prints one line per step for the consumer test to compare.
import {
  Cam,
  ConfigurationError,
  ConflictError,
  connect,
  ConnectionError,
  DataAccessError,
  NotFoundError,
  Project,
  User,
  ValidationError,
} from '@enginecampro/db';

const userId = 'esm_builder';
const email = 'esm.builder@example.com';

// In a schema of its own, as beside an application that has a users table; the CommonJS consumer uses the default.
const db = connect({ url: process.argv[2], schema: 'enginecampro' });
try {
  console.log(`migrate: ${(await db.migrate()).length} applied`);
  console.log(`migrate again: ${(await db.migrate()).length} applied`);

  const em = db.fork();
  const user = em.create(User, { id: userId, email });
  const project = em.create(Project, { user, name: 'Small-block street cam' });
  const cam = em.create(Cam, {
    project,
    name: 'Intake lobe',
    camType: 'intake',
    lift: 11.43,
    duration: 268,
    profilePoints: [{ angle: 0, radius: 18.5 }],
  });
  await em.flush();
  console.log(`create: user ${user.id}, project "${project.name}", cam "${cam.name}" ${cam.lift} mm / ${cam.duration} deg`);

  const reader = db.fork();
  const loaded = await reader.findOneOrFail(User, { email }, { populate: ['projects'] });
  console.log(`read: ${loaded.email} has ${loaded.projects.count()} project(s)`);

  loaded.subscriptionStatus = 'pro';
  await reader.flush();
  const updated = await db.fork().findOneOrFail(User, { id: userId });
  console.log(`update: subscription ${updated.subscriptionStatus}`);

  // 150 cams: enough to be streamed with COPY, through the package's own dependency.
  const inputs = Array.from({ length: 150 }, (_, index) => ({ name: `Bulk lobe ${150 - index}`, camType: 'exhaust' as const, lift: 10, duration: 250 }));
  const bulk = await db.cams.createMany(userId, project.id, inputs);
  const inOrder = bulk.every((created, index) => created.name === inputs[index]?.name);
  console.log(`bulk: ${bulk.length} cams, in input order: ${inOrder ? 'yes' : 'no'}`);

  // Each error class as the caller meets it: its own name (in logs, `String(e)` and JSON bodies) and `instanceof`.
  const closed = connect({ url: process.argv[2] });
  await closed.close();
  const provoked: [string, Function, () => unknown][] = [
    ['ValidationError', ValidationError, () => db.users.upsert({ id: '', email: 'not-an-address' })],
    ['NotFoundError', NotFoundError, () => db.users.get('nobody')],
    ['ConflictError', ConflictError, () => db.users.upsert({ id: 'someone_else', email: email.toUpperCase() })],
    ['ConfigurationError', ConfigurationError, () => connect({ url: process.argv[2], poool: {} } as never)],
    ['ConnectionError', ConnectionError, () => closed.users.get(userId)],
  ];
  const misnamed: string[] = [];
  for (const [name, ErrorClass, call] of provoked) {
    const error = await Promise.resolve().then(call).then(() => undefined, (caught: unknown) => caught);
    const named = error instanceof ErrorClass && error instanceof DataAccessError && error.name === name;
    if (!named || !String(error).startsWith(`${name}: `) || JSON.parse(JSON.stringify(error)).name !== name) misnamed.push(name);
  }
  console.log(`errors: ${misnamed.length === 0 ? 'every class keeps its name' : `misnamed ${misnamed.join(', ')}`}`);

  const remover = db.fork();
  remover.remove(await remover.findOneOrFail(User, { id: userId }));
  await remover.flush();
  const check = db.fork();
  const left = [await check.count(User, { id: userId }), await check.count(Project, { user: userId }), await check.count(Cam, { project: project.id })];
  console.log(`delete: ${left[0]} users, ${left[1]} projects, ${left[2]} cams left`);
} finally {
  await db.close();
}
