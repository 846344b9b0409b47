import { p } from '@mikro-orm/core';

/**
 * `created_at` and `updated_at`, spread last into every entity's properties. The database fills both on insert
 * (column default, handed back to the entity by `returning`). On update, each statement of the package sets
 * `updated_at = now()` itself and the unit of work sets it on every flushed change; no trigger does it, so the same
 * schema runs where triggers cannot (distributed tables of Citus).
 */
export const timestampProperties = {
  createdAt: p.datetime().defaultRaw('now()').returning(),
  updatedAt: p.datetime().defaultRaw('now()').returning().onUpdate(() => new Date()),
};
