import { Cascade, defineEntity, p, type PolicyDef } from '@mikro-orm/core';
import { ACTING_USER_POLICIES } from '../common/acting-user.ts';
import { ProjectRepository } from './project.repository.ts';
import { timestampProperties } from '../common/timestamps.ts';
import { Cam } from '../cam/cam.entity.ts';
import { User } from '../user/user.entity.ts';

export const ProjectSchema = defineEntity({
  name: 'EngineCamProProject',
  // Placed per ORM by `connect({ schema })` or `placeInSchema()`; the wildcard lets a host have a `projects` table of its own.
  schema: '*',
  repository: () => ProjectRepository,
  tableName: 'projects',
  // Deny by default: only the acting user's rows, for any role that neither owns the table nor bypasses row-level security.
  rowLevelSecurity: true,
  policies: [ACTING_USER_POLICIES.projects as PolicyDef],
  // One index per ordering of `projects.list`, led by the owner and ended by the id that breaks ties: a page is a
  // range scan whatever the user's number of projects. The first also serves the foreign key and lookups by user.
  indexes: [
    { name: 'projects_user_id_created_at_id_index', properties: ['user', 'createdAt', 'id'] },
    { name: 'projects_user_id_updated_at_id_index', properties: ['user', 'updatedAt', 'id'] },
    { name: 'projects_user_id_name_id_index', properties: ['user', 'name', 'id'] },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    user: () => p.manyToOne(User).fieldName('user_id').deleteRule('cascade'),
    name: p.string().length(255),
    description: p.text().nullable(),
    cams: () => p.oneToMany(Cam).mappedBy('project').cascade(Cascade.PERSIST, Cascade.REMOVE).orphanRemoval(),
    ...timestampProperties,
  },
});

/**
 * Named `EngineCamProProject` inside MikroORM (entity name and class name), so a host application's own `Project` entity
 * keeps its name: MikroORM resolves string entity names by class name.
 */
class EngineCamProProject extends ProjectSchema.class {}

ProjectSchema.setClass(EngineCamProProject);

export { EngineCamProProject as Project };
