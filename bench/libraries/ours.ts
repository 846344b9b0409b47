import { connect, type Database } from '../../src/index.ts';
import type { BenchLibrary, LibraryOptions } from './library.ts';

type OursName = 'ours' | 'ours-granted' | 'ours-unprepared';

/**
 * The package as its users call it: the service functions on a `Database` handle, connected as the tables' owner
 * (`ours`), as a role granted them, under row-level security (`ours-granted`), or as the owner without prepared
 * statements (`ours-unprepared`).
 */
export function createOurs({ url, poolSize, grantedUrl }: LibraryOptions, name: OursName = 'ours'): BenchLibrary {
  if (name === 'ours-granted' && typeof grantedUrl !== 'string') throw new Error(grantedUrl?.unavailable ?? 'this run has no granted role');
  // A caller waits for a connection as long as it takes, as with the other libraries' pools (pg's default): with 8
  // callers on 4 connections, a bulk write of 10,000 cams waits longer than the default 10 s for its turn.
  const server = name === 'ours-granted' ? (grantedUrl as string) : url;
  return oursOn(connect({ url: server, pool: { max: poolSize }, acquireTimeoutMillis: 3_600_000, preparedStatements: name !== 'ours-unprepared' }), name);
}

/** The service functions of an open `Database`; closing the library closes it. */
export function oursOn(db: Database, name: OursName = 'ours'): BenchLibrary {
  return {
    name,
    getCam: (userId, camId) => db.cams.get(userId, camId),
    getProject: (userId, projectId) => db.projects.get(userId, projectId, { withCams: true }),
    listProjects: (userId, limit) => db.projects.list(userId, { limit }),
    listCams: (userId, projectId, limit) => db.cams.list(userId, projectId, { limit }),
    getUserGraph: (email) => db.users.getWithProjects(email),
    getProjectsWithCams: async (userId, limit) => (await db.projects.list(userId, { limit, withCams: true })).items,
    createProjectWithCams: (userId, name, cams) =>
      db.transaction(async (tx) => {
        const project = await tx.projects.create(userId, { name });
        return { ...project, cams: await tx.cams.createMany(userId, project.id, cams) };
      }),
    updateCamDuration: (userId, camId, duration, expectedVersion) => db.cams.update(userId, camId, { duration }, { expectedVersion }),
    replaceProfile: (userId, camId, profilePoints, lift) => db.cams.update(userId, camId, { profilePoints, lift }),
    createCams: (userId, projectId, cams) => db.cams.createMany(userId, projectId, cams),
    exportProject: (userId, projectId) => db.projects.export(userId, projectId),
    importProject: (userId, document) => db.projects.import(userId, document),
    close: () => db.close(),
  };
}
