import { camSummaryFields } from '../cam/cam.fields.ts';
import { isoTimestamp, jsonObject } from '../common/sql.ts';

/** The SQL expressions of a `ProjectDto`, over `projects` aliased as `p`. */
export const projectFields = {
  id: 'p.id',
  userId: 'p.user_id',
  name: 'p.name',
  description: 'p.description',
  createdAt: isoTimestamp('p.created_at'),
  updatedAt: isoTimestamp('p.updated_at'),
};

/** The cams of project `p` as a JSON array of summaries, oldest first. */
export const PROJECT_CAMS = `coalesce((select json_agg(${jsonObject(camSummaryFields)} order by c.id) from cams c where c.project_id = p.id), '[]')`;
