import { p, type TriggerDef } from '@mikro-orm/core';

/**
 * `created_at` and `updated_at`, spread last into every entity's properties. The database fills both on insert
 * (column default, handed back to the entity by `returning`) and a `BEFORE UPDATE` trigger refreshes `updated_at`
 * whenever an update leaves it untouched, so rows changed by raw SQL or another service stay truthful too. The unit
 * of work sets `updated_at` itself on update, which the trigger keeps, so a flushed entity holds the stored value.
 */
export const timestampProperties = {
  createdAt: p.datetime().defaultRaw('now()').returning(),
  updatedAt: p.datetime().defaultRaw('now()').returning().onUpdate(() => new Date()),
};

export const touchUpdatedAtTrigger: TriggerDef = {
  name: 'touch_updated_at',
  timing: 'before',
  events: ['update'],
  forEach: 'row',
  body: 'if new.updated_at is not distinct from old.updated_at then new.updated_at = now(); end if; return new;',
};
