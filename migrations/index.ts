import type { Configuration } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import type { AbstractSqlDriver } from '@mikro-orm/postgresql';
import { Migration20261124142215_initial } from './Migration20261124142215_initial.ts';
import { Migration20261125113000_list_indexes } from './Migration20261125113000_list_indexes.ts';
import { Migration20261203224500_timestamps_in_statements } from './Migration20261203224500_timestamps_in_statements.ts';
import { Migration20261204090000_cam_owners } from './Migration20261204090000_cam_owners.ts';
import { Migration20261204120000_row_level_security } from './Migration20261204120000_row_level_security.ts';

export interface BundledMigration {
  name: string;
  class: new (driver: AbstractSqlDriver, config: Configuration) => Migration;
}

/**
 * Every migration of the package, oldest first. Listed by hand (never discovered on disk) so they are bundled
 * into the build and run wherever the package is installed. `npm run migration:create -- <name>` appends here.
 */
export const bundledMigrations: readonly BundledMigration[] = [
  { name: 'Migration20261124142215_initial', class: Migration20261124142215_initial },
  { name: 'Migration20261125113000_list_indexes', class: Migration20261125113000_list_indexes },
  { name: 'Migration20261203224500_timestamps_in_statements', class: Migration20261203224500_timestamps_in_statements },
  { name: 'Migration20261204090000_cam_owners', class: Migration20261204090000_cam_owners },
  { name: 'Migration20261204120000_row_level_security', class: Migration20261204120000_row_level_security },
];
