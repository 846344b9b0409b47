import { defineEntity, p } from '@mikro-orm/core';
import { CamRepository } from './cam.repository.ts';
import { CAM_TYPES } from './cam-type.ts';
import type { ProfilePoint } from './profile-points.ts';
import { timestampProperties, touchUpdatedAtTrigger } from '../common/timestamps.ts';
import { Project } from '../project/project.entity.ts';

export const CamSchema = defineEntity({
  name: 'Cam',
  repository: () => CamRepository,
  tableName: 'cams',
  triggers: [touchUpdatedAtTrigger],

  properties: {
    id: p.integer().primary().autoincrement(),
    project: () => p.manyToOne(Project).fieldName('project_id').deleteRule('cascade').index('cams_project_id_index'),
    name: p.string().length(255),
    camType: p.enum(CAM_TYPES).columnType('varchar(50)'),
    lift: p.decimal('number').precision(5).scale(2),
    duration: p.integer(),
    profilePoints: p.json<ProfilePoint[]>().nullable(),
    version: p.integer().version(),
    ...timestampProperties,
  },
});

export class Cam extends CamSchema.class {}

CamSchema.setClass(Cam);
