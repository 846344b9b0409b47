import { defineEntity, p } from '@mikro-orm/core';
import { timestampProperties, touchUpdatedAtTrigger } from '../common/timestamps.ts';
import { Project } from '../project/project.entity.ts';

export const CAM_TYPES = ['intake', 'exhaust'] as const;

export interface ProfilePoint {
  /** Cam angle in degrees, 0 <= angle < 360. */
  angle: number;
  /** Distance from the cam axis to the lobe surface, millimetres. */
  radius: number;
}

export const CamSchema = defineEntity({
  name: 'Cam',
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
