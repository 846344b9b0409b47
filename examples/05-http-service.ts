/**
 * 5. An HTTP service over the package, with Fastify: the acting user from a request header (standing in for the auth
 * provider's session), one unit of work per request, and the package's typed errors as HTTP status codes.
 *
 *   npm run example -- http-service
 */
import Fastify, { type FastifyRequest } from 'fastify';
import { ConflictError, connect, NotFoundError, ValidationError, type CamInput, type ProjectInput } from '@enginecampro/db';
import { z } from 'zod';
import { exampleDatabase } from './support/database.ts';
import { lobeProfile } from './support/lobe.ts';

const database = await exampleDatabase();
const db = connect({ url: database.url });
await db.migrate();

const app = Fastify();

// In production the auth provider (e.g. Clerk) verifies a session token and gives you the user id. Here a header
// stands in for it. Every project and cam call takes this id: another user's records answer 404, like missing ones.
function actingUser(request: FastifyRequest): string {
  const id = request.headers['x-user-id'];
  if (typeof id !== 'string' || id === '') throw Object.assign(new Error('Sign in first'), { statusCode: 401, code: 'UNAUTHENTICATED' });
  return id;
}
const idParam = z.object({ id: z.coerce.number() });

// One place maps the package's errors to HTTP. Their `code` is stable, so clients can branch on it too.
app.setErrorHandler((error, _request, reply) => {
  if (error instanceof ValidationError) return reply.status(400).send({ code: error.code, issues: error.issues });
  if (error instanceof NotFoundError) return reply.status(404).send({ code: error.code, message: error.message });
  if (error instanceof ConflictError) return reply.status(409).send({ code: error.code, message: error.message });
  // Fastify's own client errors (malformed JSON, ...) and ours above carry a 4xx statusCode.
  const { statusCode, code, message } = error as { statusCode?: number; code?: string; message: string };
  if (statusCode && statusCode < 500) return reply.status(statusCode).send({ code, message });
  reply.log.error(error);
  return reply.status(500).send({ code: 'INTERNAL', message: 'Something went wrong' });
});

app.post('/users', async (request) => db.users.upsert(request.body as { id: string; email: string }));

app.get('/projects', async (request) => {
  const { after } = request.query as { after?: string };
  return db.projects.list(actingUser(request), { limit: 20, after });
});

// A project created with its first cams: one request, one transaction. If a cam is invalid, nothing is created.
app.post('/projects', async (request, reply) => {
  const userId = actingUser(request);
  const body = request.body as ProjectInput & { cams?: CamInput[] };
  const { cams = [], ...projectInput } = body;
  const project = await db.transaction(async (tx) => {
    const created = await tx.projects.create(userId, projectInput);
    if (cams.length) await tx.cams.createMany(userId, created.id, cams);
    return tx.projects.get(userId, created.id, { withCams: true });
  });
  return reply.status(201).send(project);
});

app.get('/projects/:id', async (request) => db.projects.get(actingUser(request), idParam.parse(request.params).id, { withCams: true }));

app.get('/cams/:id', async (request) => db.cams.get(actingUser(request), idParam.parse(request.params).id));

// Optimistic editing: the client sends back the version it read in If-Match; a stale one answers 409.
app.patch('/cams/:id', async (request) => {
  const expectedVersion = Number(request.headers['if-match']);
  return db.cams.update(actingUser(request), idParam.parse(request.params).id, request.body as object, {
    expectedVersion: Number.isInteger(expectedVersion) ? expectedVersion : undefined,
  });
});

try {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`listening on ${address}`);

  // A short session against the running service, as a browser would drive it.
  const call = async (method: string, path: string, user: string | undefined, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(address + path, {
      method,
      headers: { ...(user ? { 'x-user-id': user } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await response.json()) as Record<string, unknown>;
    const issues = json.issues as { path: unknown[]; message: string }[] | undefined;
    const detail = issues ? `: ${issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}` : '';
    console.log(`${method} ${path} -> ${response.status}${json.code ? ` ${json.code}` : ''}${detail}`);
    return json;
  };

  await call('POST', '/users', undefined, { id: 'user_alice', email: 'alice@example.com' });
  await call('POST', '/users', undefined, { id: 'user_bob', email: 'bob@example.com' });
  const project = await call('POST', '/projects', 'user_alice', {
    name: 'LS3 street',
    cams: [{ name: 'Intake', camType: 'intake', lift: 12.7, duration: 270, profilePoints: lobeProfile({ lift: 12.7 }) }],
  });
  const camId = (project.cams as { id: number }[])[0]!.id;
  await call('POST', '/projects', 'user_alice', { name: 'Half-made', cams: [{ name: 'Bad', camType: 'rocker', lift: 1.234, duration: 0 }] });
  await call('GET', '/projects', 'user_alice');
  await call('GET', `/projects/${project.id}`, 'user_bob');
  await call('PATCH', `/cams/${camId}`, 'user_alice', { duration: 272 }, { 'if-match': '1' });
  await call('PATCH', `/cams/${camId}`, 'user_alice', { duration: 274 }, { 'if-match': '1' });
  await call('GET', '/projects', undefined);
  const projects = await call('GET', '/projects', 'user_alice');
  console.log(`alice has ${(projects.items as unknown[]).length} project: the invalid one was never created`);
} finally {
  await app.close();
  await db.close();
  await database.stop();
}
