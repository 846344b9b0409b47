import pg from 'pg';
import { percentile } from '../measure/timing.ts';
import type { ScaleData } from './load.ts';
import { describe, flatten, type PlanNode } from './plans.ts';

/**
 * "My projects with their cams" read by a signed-in end user through Supabase's Data API, with end-user access on
 * (`migrate({ endUsers: {} })`): the statement PostgREST 12 builds for
 * `supabase.from('projects').select('id, name, cams(id, name, lift, duration)')`, run as PostgREST runs a request
 * (`set local role authenticated`, the JWT's claims in `request.jwt.claims`). It names no user: the policies
 * `enginecampro_end_user_read` alone keep it to the user's rows.
 */
export const END_USER_READ = `with pgrst_source as (
  select "projects"."id", "projects"."name", coalesce("projects_cams_1"."projects_cams_1", '[]') as "cams"
  from "public"."projects"
  left join lateral (
    select json_agg("projects_cams_1")::jsonb as "projects_cams_1"
    from (select "cams_1"."id", "cams_1"."name", "cams_1"."lift", "cams_1"."duration"
          from "public"."cams" as "cams_1"
          where "cams_1"."project_id" = "projects"."id") as "projects_cams_1"
  ) as "projects_cams_1" on true
)
select pg_catalog.count(_postgrest_t) as page_total, coalesce(json_agg(_postgrest_t), '[]') as body
from (select * from pgrst_source) _postgrest_t`;

export interface EndUserRead {
  user: 'typical' | 'heavy';
  /** Projects the user reads: every one of theirs, none of anyone else's. */
  projects: number;
  medianMillis: number;
  roundMedians: number[];
  buffers: number;
  seqScans: string[];
  nodes: string[];
}

const TIMES = 300;
const ROUNDS = 5;
const WARM_UP = 20;

/** The end-user read of a typical user and of the heavy one on an installation: timed, counted and explained. */
export async function measureEndUserReads(url: string, data: ScaleData): Promise<EndUserRead[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const reads: EndUserRead[] = [];
    for (const user of ['typical', 'heavy'] as const) {
      const claims = JSON.stringify({ role: 'authenticated', sub: data[user].userId });
      const asEndUser = async <Row extends object>(sql: string): Promise<Row[]> => {
        await client.query('begin');
        try {
          await client.query('set local role authenticated');
          await client.query(`select set_config('request.jwt.claims', $1, true)`, [claims]);
          return (await client.query<Row>(sql)).rows;
        } finally {
          await client.query('rollback');
        }
      };
      const [{ page_total: projects }] = (await asEndUser<{ page_total: string }>(END_USER_READ)) as [{ page_total: string }];
      for (let warm = 0; warm < WARM_UP; warm++) await asEndUser(END_USER_READ);
      const millis: number[] = [];
      const roundMedians: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const timed: number[] = [];
        for (let call = 0; call < TIMES / ROUNDS; call++) {
          const before = performance.now();
          await asEndUser(END_USER_READ);
          timed.push(performance.now() - before);
        }
        millis.push(...timed);
        roundMedians.push(percentile(timed, 0.5));
      }
      // The second execution's plan: the first also fills the session's catalog caches.
      await asEndUser(`explain (analyze, buffers, format json) ${END_USER_READ}`);
      const [explained] = await asEndUser<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (analyze, buffers, format json) ${END_USER_READ}`);
      const root = explained!['QUERY PLAN'][0].Plan;
      const nodes = flatten(root);
      reads.push({
        user,
        projects: Number(projects),
        medianMillis: percentile(millis, 0.5),
        roundMedians,
        buffers: (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0),
        seqScans: nodes.filter((node) => node['Node Type'] === 'Seq Scan').map((node) => node['Relation Name'] ?? '?'),
        nodes: nodes.map(describe),
      });
    }
    return reads;
  } finally {
    await client.end();
  }
}
