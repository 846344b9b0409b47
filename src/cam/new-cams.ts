import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Tables } from '../entities.ts';
import type { CamDto } from './cam.schemas.ts';
import type { ProfilePoint } from './profile-points.ts';

/** A cam to be written: a validated input. */
export interface NewCam {
  name: string;
  camType: CamDto['camType'];
  lift: number;
  duration: number;
  profilePoints?: ProfilePoint[] | null;
}

/** A new cam as bound to a statement: its profile as JSON text, which PostgreSQL parses into jsonb. */
export type NewCamParams = Omit<NewCam, 'profilePoints'> & { profilePoints: string | null };

export function newCamParams(cam: NewCam): NewCamParams {
  return { ...cam, profilePoints: profileJson(cam.profilePoints) };
}

export function profileJson(points: ProfilePoint[] | null | undefined): string | null {
  return points ? JSON.stringify(points) : null;
}

/**
 * The columns every write of new cams fills, in this order: the owner and the project, then the cam's own fields. The
 * others (id, version, timestamps) take their defaults.
 */
export const NEW_CAM_COLUMNS = ['user_id', 'project_id', 'name', 'cam_type', 'lift', 'duration', 'profile_points'] as const satisfies ReadonlyArray<
  keyof Tables['cams']
>;

/** The fields of new cams as a table `new_cam` of multi-row VALUES has them, in the order of `NEW_CAM_COLUMNS`. */
const NEW_CAM_FIELDS = ['name', 'camType', 'lift', 'duration', 'profilePoints'] as const satisfies ReadonlyArray<keyof NewCamParams>;
type NewCamRow = { [Field in (typeof NEW_CAM_FIELDS)[number]]: NewCamParams[Field] };

/** How a statement binds a field of the cams of its parameter list `list`: `StatementBuilder#item`. */
type BindCamField<List extends string> = (list: List, index: number, field: keyof NewCamParams & string) => RawBuilder<unknown>;

/**
 * `count` cams of the parameter list `list` as VALUES rows, each led by `lead` (the owner and the project) when given:
 * five parameters per cam, so ten thousand cams stay under the 65,535-parameter limit. Each profile is its own jsonb
 * parameter, which PostgreSQL parses faster than one array of all of them.
 */
export function newCamRows<List extends string>(bind: BindCamField<List>, list: List, count: number, lead?: readonly Expression<unknown>[]) {
  const leading = lead ? sql`${sql.join(lead)}, ` : sql``;
  return Array.from(
    { length: count },
    (_, index) =>
      sql`(${leading}${bind(list, index, 'name')}::text, ${bind(list, index, 'camType')}::text, ${bind(list, index, 'lift')}::numeric, ${bind(list, index, 'duration')}::int, ${bind(list, index, 'profilePoints')}::jsonb)`,
  );
}

/** `count` cams of the parameter list `list` as a table `new_cam`, to be joined with the project they go into. */
export function newCamsTable<List extends string>(bind: BindCamField<List>, list: List, count: number) {
  // VALUES cannot be empty: no cams is one row of nulls that LIMIT 0 drops.
  const rows = count > 0 ? sql`values ${sql.join(newCamRows(bind, list, count))}` : sql`values (null::text, null::text, null::numeric, null::int, null::jsonb) limit 0`;
  return sql<NewCamRow>`(${rows})`.as<'new_cam'>(
    sql`new_cam(${sql.join(NEW_CAM_FIELDS.map((field) => sql.ref(field)))})`,
  );
}
