import { relations, sql } from 'drizzle-orm';
import { index, integer, jsonb, numeric, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import type { ProfilePoint } from '../../src/index.ts';

// The package's tables as Drizzle sees them; the package's migrations create them, never drizzle-kit.
const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
};

export const users = pgTable('users', {
  id: varchar('id', { length: 255 }).primaryKey(),
  email: varchar('email', { length: 255 }).notNull(),
  subscriptionStatus: varchar('subscription_status', { length: 50 }).notNull().default('free'),
  ...timestamps,
});

export const projects = pgTable(
  'projects',
  {
    id: serial('id').primaryKey(),
    userId: varchar('user_id', { length: 255 })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description'),
    ...timestamps,
  },
  (table) => [index('projects_user_id_index').on(table.userId)],
);

export const cams = pgTable(
  'cams',
  {
    id: serial('id').primaryKey(),
    // The owner of the cam's project, kept on the cam; no foreign key of its own.
    userId: varchar('user_id', { length: 255 }).notNull(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 255 }).notNull(),
    camType: varchar('cam_type', { length: 50 }).notNull(),
    lift: numeric('lift', { precision: 5, scale: 2, mode: 'number' }).notNull(),
    duration: integer('duration').notNull(),
    profilePoints: jsonb('profile_points').$type<ProfilePoint[]>(),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (table) => [index('cams_project_id_index').on(table.projectId)],
);

export const usersRelations = relations(users, ({ many }) => ({ projects: many(projects) }));
export const projectsRelations = relations(projects, ({ one, many }) => ({
  user: one(users, { fields: [projects.userId], references: [users.id] }),
  cams: many(cams),
}));
export const camsRelations = relations(cams, ({ one }) => ({ project: one(projects, { fields: [cams.projectId], references: [projects.id] }) }));

/** A cam summary's columns: everything but the profile, and whether there is one. */
export const camSummaryColumns = {
  id: cams.id,
  projectId: cams.projectId,
  name: cams.name,
  camType: cams.camType,
  lift: cams.lift,
  duration: cams.duration,
  version: cams.version,
  hasProfile: sql<boolean>`${cams.profilePoints} is not null`,
  createdAt: cams.createdAt,
  updatedAt: cams.updatedAt,
};
