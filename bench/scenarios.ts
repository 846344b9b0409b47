import type pg from 'pg';
import type { BenchConfig, BenchMode } from './config.ts';
import type { BenchData } from './data/seed.ts';
import { CREATED_PROJECT_NAME, type WriteInputs } from './data/write-inputs.ts';
import { runsBulkScenarios, runsEveryScenario, type AnyLibrary, type BenchLibrary, type BulkOperations } from './libraries/library.ts';

/** What one operation knows: which concurrent caller runs it, and how many it ran before (to pick the next input). */
export interface Turn {
  caller: number;
  iteration: number;
}

export interface ScenarioContext {
  config: BenchConfig;
  data: BenchData;
  inputs: WriteInputs;
  /** A pool outside every library, for the untimed checks and clean-ups. */
  admin: pg.Pool;
}

interface ScenarioBase {
  id: string;
  /** The numbered scenario of the benchmark it belongs to. */
  group: number;
  title: string;
  /** Reads are compared value for value with ours; writes by shape. */
  kind: 'read' | 'write';
  /** The modes it runs in, when not every one. */
  modes?: readonly BenchMode['name'][];
  /** Throws when the result is not what the operation must return: a step that silently does nothing fails the run. */
  check(result: unknown, turn: Turn): void;
  /** Untimed, after a library's slice: checks the database saw exactly `operations` writes, then undoes them. */
  afterSlice?(operations: number): Promise<void>;
}

/**
 * A scenario of every library, or a bulk one: fewer rounds, a memory measurement, and `COPY` beside the libraries as
 * the physical limit.
 */
export type Scenario = ScenarioBase &
  ({ bulk: false; run(library: BenchLibrary, turn: Turn): Promise<unknown> } | { bulk: true; run(library: BulkOperations, turn: Turn): Promise<unknown> });

/** The libraries that run the scenario: all but the noise control in bulk scenarios, all but `COPY` in the others. */
export function librariesOf<Library extends AnyLibrary>(scenario: Scenario, libraries: readonly Library[]): Library[] {
  return libraries.filter((library) => (scenario.bulk ? runsBulkScenarios(library.name) : runsEveryScenario(library)));
}

export function runScenario(scenario: Scenario, library: AnyLibrary, turn: Turn): Promise<unknown> {
  if (scenario.bulk) return scenario.run(library, turn);
  if (!runsEveryScenario(library)) throw new Error(`${library.name} runs the bulk scenarios only, not ${scenario.id}`);
  return scenario.run(library, turn);
}

type Any = any; // results are checked at run time, whatever type each library declares

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** A duration that differs from the one the previous update wrote: an ORM skips an update that changes nothing. */
const durationAt = (version: number) => 200 + (version % 50);

const at = <T>(list: readonly T[], turn: Turn, stride = 1) => list[(turn.iteration * stride + turn.caller) % list.length]!;

export function defineScenarios({ config, data, inputs, admin }: ScenarioContext): Scenario[] {
  const count = async (sql: string, values: unknown[]) => Number((await admin.query<{ n: string }>(sql, values)).rows[0]!.n);
  const bulkUser = data.bulkUserId;
  const updatingCam = (cams: WriteInputs['durationCams'], turn: Turn) => {
    // Each concurrent caller has cams of its own, so no two callers ever update the same row at once.
    const perCaller = Math.floor(cams.length / 8);
    return cams[turn.caller * perCaller + (turn.iteration % perCaller)]!;
  };

  // Eight concurrent writes of 10,000 profiled cams by the ORMs exhausted a 24 GiB machine (the kernel ended the run):
  // the largest size runs on one connection only.
  const modes = (size: number) => (size >= 10_000 ? (['sequential'] as const) : undefined);
  const bulkScenarios = (size: number): Scenario[] => {
    const cams = inputs.bulkCams.slice(0, size);
    const document = inputs.importDocuments.get(size)!;
    const sourceProjectId = data.sourceProjectIds[size]!;
    return [
      {
        id: `create-many-${size}`,
        group: 7,
        modes: modes(size),
        title: `createMany of ${size.toLocaleString('en-US')} cams`,
        bulk: true,
        kind: 'write',
        run: (lib) => lib.createCams(bulkUser, data.bulkTargetProjectId, cams),
        check: (written: Any) => {
          expect(written.length === size && written.every((c: Any) => c.projectId === data.bulkTargetProjectId), `${size} cams returned`);
          expect(written.every((c: Any, index: number) => c.name === cams[index]!.name), 'the cams in input order');
        },
        async afterSlice(operations) {
          // Counted by the owner too: a cam must carry its project's owner (cams.user_id).
          const found = await count(`select count(*) as n from cams where project_id = $1 and user_id = $2`, [data.bulkTargetProjectId, bulkUser]);
          expect(found === size * operations, `${size * operations} cams of ${bulkUser} were written (found ${found})`);
          await admin.query(`delete from cams where project_id = $1`, [data.bulkTargetProjectId]);
        },
      },
      {
        id: `export-${size}`,
        group: 7,
        modes: modes(size),
        title: `export a project of ${size.toLocaleString('en-US')} cams`,
        bulk: true,
        kind: 'read',
        run: (lib) => lib.exportProject(bulkUser, sourceProjectId),
        check: (exported: Any) =>
          expect(exported.project.cams.length === size && exported.project.cams.every((c: Any) => c.profilePoints.length === 360), 'every cam with its profile'),
      },
      {
        id: `import-${size}`,
        group: 7,
        modes: modes(size),
        title: `import a project of ${size.toLocaleString('en-US')} cams`,
        bulk: true,
        kind: 'write',
        run: (lib) => lib.importProject(bulkUser, document),
        check: (project: Any) => {
          expect(project.cams.length === size && project.name === document.project.name, `a project with ${size} cams`);
          expect(project.cams.every((c: Any, index: number) => c.name === cams[index]!.name), 'the cams in input order');
        },
        async afterSlice(operations) {
          const name = document.project.name;
          const projects = await count(`select count(*) as n from projects where user_id = $1 and name = $2`, [bulkUser, name]);
          const written = await count(`select count(*) as n from cams c join projects p on p.id = c.project_id and p.user_id = c.user_id where p.user_id = $1 and p.name = $2`, [bulkUser, name]);
          expect(projects === operations && written === size * operations, `${operations} imported projects (found ${projects}, ${written} cams)`);
          await admin.query(`delete from projects where user_id = $1 and name = $2`, [bulkUser, name]);
        },
      },
    ];
  };

  const scenarios: Scenario[] = [
    {
      id: 'get-cam',
      group: 1,
      title: 'get one cam with its profile',
      bulk: false,
      kind: 'read',
      run: (lib, turn) => {
        const { userId, camId } = at(data.camPicks, turn, 8);
        return lib.getCam(userId, camId);
      },
      check: (cam: Any, turn) => {
        expect(cam.id === at(data.camPicks, turn, 8).camId, 'the cam asked for');
        expect(cam.profilePoints?.length === 360 && cam.profileAnalysis !== null, 'a 360-point profile with its analysis');
      },
    },
    {
      id: 'get-project',
      group: 1,
      title: 'get one project with its cams',
      bulk: false,
      kind: 'read',
      run: (lib, turn) => {
        const { userId, projectId } = at(data.projectPicks, turn, 8);
        return lib.getProject(userId, projectId);
      },
      check: (project: Any, turn) => {
        expect(project.id === at(data.projectPicks, turn, 8).projectId, 'the project asked for');
        expect(project.cams.length >= 1 && project.cams.length <= 3, '1 to 3 cams');
      },
    },
    {
      id: 'list-projects',
      group: 2,
      title: `list a page of 50 of ${config.largeUserProjects} projects`,
      bulk: false,
      kind: 'read',
      run: (lib) => lib.listProjects(data.listUserId, 50),
      check: (page: Any) => expect(page.items.length === 50 && page.nextCursor !== null, '50 projects and a next page'),
    },
    {
      id: 'list-cams',
      group: 2,
      title: `list ${config.largeProjectCams} cams of a project`,
      bulk: false,
      kind: 'read',
      run: (lib) => lib.listCams(bulkUser, data.sourceProjectIds[config.largeProjectCams]!, config.largeProjectCams),
      check: (page: Any) => expect(page.items.length === config.largeProjectCams && page.nextCursor === null, `all ${config.largeProjectCams} cams in one page`),
    },
    {
      id: 'user-graph',
      group: 3,
      title: 'a user with all projects and cams, by e-mail',
      bulk: false,
      kind: 'read',
      run: (lib, turn) => lib.getUserGraph(at(data.emailPicks, turn, 8)),
      check: (user: Any, turn) => {
        expect(user.email === at(data.emailPicks, turn, 8), 'the user asked for');
        expect(user.projects.length === config.projectsPerUser && user.projects.every((p: Any) => p.cams.length >= 1), 'every project with its cams');
      },
    },
    {
      id: 'n-plus-one',
      group: 4,
      title: '50 projects, each with its cams',
      bulk: false,
      kind: 'read',
      run: (lib) => lib.getProjectsWithCams(data.listUserId, 50),
      check: (projects: Any) => expect(projects.length === 50 && projects.every((p: Any) => p.cams.length >= 1), '50 projects with their cams'),
    },
    {
      id: 'create-project',
      group: 5,
      title: 'create a project with 3 cams in one transaction',
      bulk: false,
      kind: 'write',
      run: (lib, turn) => lib.createProjectWithCams(bulkUser, CREATED_PROJECT_NAME, at(inputs.camTrios, turn)),
      check: (project: Any) => expect(project.cams.length === 3 && project.cams.every((c: Any) => c.hasProfile && c.projectId === project.id), '3 cams in the new project'),
      async afterSlice(operations) {
        const projects = await count(`select count(*) as n from projects where user_id = $1 and name = $2`, [bulkUser, CREATED_PROJECT_NAME]);
        const cams = await count(`select count(*) as n from cams c join projects p on p.id = c.project_id and p.user_id = c.user_id where p.user_id = $1 and p.name = $2`, [bulkUser, CREATED_PROJECT_NAME]);
        expect(projects === operations && cams === 3 * operations, `${operations} projects with 3 cams each were written (found ${projects}, ${cams} cams)`);
        await admin.query(`delete from projects where user_id = $1 and name = $2`, [bulkUser, CREATED_PROJECT_NAME]);
      },
    },
    {
      id: 'update-cam',
      group: 6,
      title: 'update one cam with expectedVersion',
      bulk: false,
      kind: 'write',
      run: (lib, turn) => {
        const { userId, camId } = updatingCam(inputs.durationCams, turn);
        const version = inputs.camVersions.get(camId)!;
        return lib.updateCamDuration(userId, camId, durationAt(version), version);
      },
      check: (cam: Any, turn) => {
        const { camId } = updatingCam(inputs.durationCams, turn);
        const version = inputs.camVersions.get(camId)!;
        expect(cam.id === camId && cam.duration === durationAt(version), 'the new duration');
        expect(cam.version === version + 1, `version ${version + 1} of cam ${camId}, not ${cam.version}`);
        inputs.camVersions.set(camId, cam.version);
      },
    },
    {
      id: 'replace-profile',
      group: 6,
      title: "replace one cam's profile and lift",
      bulk: false,
      kind: 'write',
      run: (lib, turn) => {
        const { userId, camId } = updatingCam(inputs.profileCams, turn);
        // A profile other than the one the previous replacement wrote, for the same reason as durationAt().
        const { profilePoints, lift } = inputs.profiles[inputs.camVersions.get(camId)! % inputs.profiles.length]!;
        return lib.replaceProfile(userId, camId, profilePoints, lift);
      },
      check: (cam: Any, turn) => {
        const { camId } = updatingCam(inputs.profileCams, turn);
        const version = inputs.camVersions.get(camId)!;
        const { lift } = inputs.profiles[version % inputs.profiles.length]!;
        expect(cam.id === camId && cam.lift === lift && cam.profilePoints.length === 360, 'the new profile and lift');
        expect(Math.abs(cam.profileAnalysis.maxLift - lift) <= 0.01, 'an analysis of the new profile');
        expect(cam.version === version + 1, `version ${version + 1} of cam ${camId}, not ${cam.version}`);
        inputs.camVersions.set(camId, cam.version);
      },
    },
    // createMany at every size, then export, then import.
    ...[0, 1, 2].flatMap((kind) => config.bulkSizes.map((size) => bulkScenarios(size)[kind]!)),
  ];
  return config.scenarioPrefix === undefined ? scenarios : scenarios.filter((scenario) => scenario.id.startsWith(config.scenarioPrefix!));
}
