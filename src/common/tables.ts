import type { InferKyselyDB } from '@mikro-orm/postgresql';
import type { CamSchema } from '../cam/cam.entity.ts';
import type { ProjectSchema } from '../project/project.entity.ts';
import type { UserSchema } from '../user/user.entity.ts';

/**
 * The package's tables as Kysely sees them, inferred from the entity definitions: table names from `tableName`,
 * columns from each property's field name. Every statement is typed against this, so renaming a property or a
 * column breaks the build of each query that uses it.
 */
export type Tables = InferKyselyDB<typeof UserSchema | typeof ProjectSchema | typeof CamSchema>;
