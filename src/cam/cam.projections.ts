import { expressionBuilder, sql, type Expression, type ExpressionBuilder } from 'kysely';
import type { Tables } from '../entities.ts';
import { float8, isoTimestamp, jsonArrayOr, jsonObject, type TimestampFormat } from '../sql/expressions.ts';
import type { CamSummaryDto } from './cam.schemas.ts';

/**
 * The SQL projections of a cam, for every repository that returns cams. Columns are unqualified: each statement
 * evaluates a projection where `cams` is the innermost table in scope. `timestamp` is `isoTimestampInReturning` in
 * RETURNING, which may hold immutable expressions only.
 */

type Cams = ExpressionBuilder<Tables, 'cams'>;

/** A `CamSummaryDto`. */
export function camSummaryColumns(eb: Cams, timestamp: TimestampFormat = isoTimestamp) {
  return {
    id: eb.ref('id'),
    projectId: eb.ref('project_id'),
    name: eb.ref('name'),
    camType: eb.ref('cam_type'),
    lift: float8(eb.ref('lift')),
    duration: eb.ref('duration'),
    version: eb.ref('version'),
    hasProfile: eb('profile_points', 'is not', null),
    createdAt: timestamp(eb.ref('created_at')),
    updatedAt: timestamp(eb.ref('updated_at')),
  };
}

/** A whole cam as stored, its profile included; the service adds the figures derived from the profile. */
export function camColumns(eb: Cams, timestamp: TimestampFormat = isoTimestamp) {
  return { ...camSummaryColumns(eb, timestamp), profilePoints: eb.ref('profile_points') };
}

/**
 * The cams of one project of `userId` as a JSON array of summaries, oldest first (`[]` when it has none). The owner is
 * compared as a value, never as a column of the outer query: a distributed PostgreSQL routes the subquery by it.
 */
export function camsOfProject(userId: Expression<string>, projectId: Expression<number>) {
  return jsonArrayOr<CamSummaryDto>(
    expressionBuilder<Tables>()
      .selectFrom('cams')
      .select((cams) => sql<CamSummaryDto[]>`json_agg(${jsonObject(camSummaryColumns(cams))} order by ${cams.ref('id')})`.as('cams'))
      .where('user_id', '=', userId)
      .where('project_id', '=', projectId),
  );
}
