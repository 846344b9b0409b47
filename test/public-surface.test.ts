import { describe, expect, it } from 'vitest';
import * as publicSurface from '../src/index.ts';

/**
 * What the package exports at run time, by name: a deliberate list, so that adding or removing an export is a change
 * someone reviews (and a removal goes into the CHANGELOG). Types are checked by the consumer test's `tsc`.
 */
describe('the public surface', () => {
  it('is exactly these named exports', () => {
    expect(Object.keys(publicSurface).sort()).toEqual(
      [
        // opening the database, migrations, service functions, tracing
        'connect', 'Database', 'migrate', 'migrationStatus', 'rollback', 'distribute', 'MIGRATIONS_TABLE', 'users', 'projects', 'cams', 'SERVICE_CALL_CHANNEL',
        // schemas of inputs and outputs, and their constants
        'userUpsertSchema', 'userPatchSchema', 'emailSchema', 'userSchema', 'userWithProjectsSchema', 'SUBSCRIPTION_STATUSES',
        'projectInputSchema', 'projectPatchSchema', 'projectGetOptionsSchema', 'projectListOptionsSchema', 'projectDuplicateOptionsSchema',
        'projectSchema', 'projectWithCamsSchema', 'projectDocumentSchema', 'PROJECT_ORDERINGS', 'PROJECT_DOCUMENT_FORMAT', 'PROJECT_DOCUMENT_VERSION',
        'camInputSchema', 'camPatchSchema', 'camUpdateOptionsSchema', 'camListOptionsSchema', 'camSummarySchema', 'camSchema', 'profileAnalysisSchema',
        'MAX_CAMS_PER_CALL', 'profilePointSchema', 'profilePointsSchema', 'MIN_PROFILE_POINTS', 'MAX_PROFILE_POINTS', 'pageSchema', 'DEFAULT_PAGE_SIZE', 'MAX_PAGE_SIZE',
        // cam profiles, entities, row-level security, errors
        'analyzeProfile', 'CHECKING_HEIGHTS', 'entities', 'placeInSchema', 'User', 'Project', 'Cam', 'CAM_TYPES', 'ACTING_USER_SETTING',
        'DataAccessError', 'ValidationError', 'NotFoundError', 'ConflictError', 'ConfigurationError', 'ConnectionError', 'CONNECTION_FAULTS',
      ].sort(),
    );
  });

  it('offers on users, projects and cams their service calls alone, each taking an EntityManager first', () => {
    expect(Object.keys(publicSurface.users).sort()).toEqual(['delete', 'get', 'getByEmail', 'getWithProjects', 'update', 'upsert']);
    expect(Object.keys(publicSurface.projects).sort()).toEqual(['create', 'delete', 'duplicate', 'export', 'get', 'import', 'list', 'update']);
    expect(Object.keys(publicSurface.cams).sort()).toEqual(['create', 'createMany', 'delete', 'get', 'list', 'update']);
  });
});
