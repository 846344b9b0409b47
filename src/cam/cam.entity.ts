import { defineEntity, p, type PolicyDef } from '@mikro-orm/core';
import { ACTING_USER_POLICIES } from '../common/acting-user.ts';
import { CamRepository } from './cam.repository.ts';
import { CAM_TYPES } from './cam-type.ts';
import type { ProfilePoint } from './profile-points.ts';
import { timestampProperties } from '../common/timestamps.ts';
import { Project } from '../project/project.entity.ts';
import { User } from '../user/user.entity.ts';

export const CamSchema = defineEntity({
  name: 'EngineCamProCam',
  // Placed per ORM by `connect({ schema })` or `placeInSchema()`; the wildcard lets a host have a `cams` table of its own.
  schema: '*',
  repository: () => CamRepository,
  tableName: 'cams',
  // Deny by default: only the acting user's rows, for any role that neither owns the table nor bypasses row-level security.
  rowLevelSecurity: true,
  policies: [ACTING_USER_POLICIES.cams as PolicyDef],
  // A project's cams in id order, the order of every list and page: it also serves the foreign key.
  indexes: [{ name: 'cams_project_id_id_index', properties: ['project', 'id'] }],

  properties: {
    id: p.integer().primary().autoincrement(),
    project: () => p.manyToOne(Project).fieldName('project_id').deleteRule('cascade'),
    /**
     * The owner of the cam's project, kept on the cam so that ownership is one column of the row: every statement
     * finds a user's cams by it, row-level security compares it, and distributed PostgreSQL places the cam by it
     * beside its project. Set from the project when a cam is created through the unit of work. No foreign key: the
     * project's own key to its user already removes the cam with the user.
     */
    user: () =>
      p
        .manyToOne(User)
        .fieldName('user_id')
        .createForeignKeyConstraint(false)
        .onCreate((cam) => cam.project.user),
    name: p.string().length(255),
    camType: p.enum(CAM_TYPES).columnType('varchar(50)'),
    lift: p.decimal('number').precision(5).scale(2),
    duration: p.integer(),
    profilePoints: p.json<ProfilePoint[]>().nullable(),
    version: p.integer().version(),
    ...timestampProperties,
  },
});

/**
 * Named `EngineCamProCam` inside MikroORM (entity name and class name), so a host application's own `Cam` entity
 * keeps its name: MikroORM resolves string entity names by class name.
 */
class EngineCamProCam extends CamSchema.class {}

CamSchema.setClass(EngineCamProCam);

export { EngineCamProCam as Cam };
