import type { Expression, ExpressionBuilder, Kysely } from 'kysely';
import { camsOfProject } from '../cam/cam.projections.ts';
import type { Tables } from '../entities.ts';
import { isoTimestamp, type TimestampFormat } from '../sql/expressions.ts';

/**
 * The SQL projections of a project, and the one ownership check of a project, for every repository that needs them.
 * Columns are unqualified: each statement evaluates a projection where `projects` (the table, or a page of its rows
 * under that name) is the innermost table in scope.
 */

type Projects = ExpressionBuilder<Tables, 'projects'>;

/** A `ProjectDto`. */
export function projectColumns(eb: Projects, timestamp: TimestampFormat = isoTimestamp) {
  return {
    id: eb.ref('id'),
    userId: eb.ref('user_id'),
    name: eb.ref('name'),
    description: eb.ref('description'),
    createdAt: timestamp(eb.ref('created_at')),
    updatedAt: timestamp(eb.ref('updated_at')),
  };
}

/** A `ProjectWithCamsDto`: the project of `userId` whose id is `projectId`, with the summaries of its cams. */
export function projectWithCamsColumns(eb: Projects, userId: Expression<string>, projectId: Expression<number>) {
  return { ...projectColumns(eb), cams: camsOfProject(userId, projectId) };
}

/**
 * The project `projectId` when `userId` owns it, as a one-row table (none otherwise): what every statement that reads
 * or writes into one project starts from. Another user's project is as absent as a missing one.
 */
export function ownedProject(db: Kysely<Tables>, userId: Expression<string>, projectId: Expression<number>) {
  return db.selectFrom('projects').where('projects.id', '=', projectId).where('projects.user_id', '=', userId);
}
