import { analyzeProfile, type CamDto, type CamSummaryDto, type Page, type ProfilePoint } from '../../src/index.ts';

/**
 * A JS Date holds milliseconds, the DTOs carry microseconds: ORMs that hand back Dates can only pad with zeros. The
 * shape is the same; the last three digits are lost (the equivalence check compares to the millisecond).
 */
export function isoTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

/** What an ORM's cam entity or row holds, whatever it calls its types. */
export interface CamFields {
  id: number;
  projectId: number;
  name: string;
  camType: string;
  lift: number;
  duration: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function camSummary(cam: CamFields, hasProfile: boolean): CamSummaryDto {
  return {
    id: cam.id,
    projectId: cam.projectId,
    name: cam.name,
    camType: cam.camType as CamSummaryDto['camType'],
    lift: cam.lift,
    duration: cam.duration,
    version: cam.version,
    hasProfile,
    createdAt: isoTimestamp(cam.createdAt),
    updatedAt: isoTimestamp(cam.updatedAt),
  };
}

export function wholeCam(cam: CamFields, profilePoints: ProfilePoint[] | null): CamDto {
  return {
    ...camSummary(cam, profilePoints !== null),
    profilePoints,
    profileAnalysis: profilePoints ? analyzeProfile(profilePoints) : null,
  };
}

/** The package's cursor format (base64url JSON of ordering, sort key, id), so every library returns the same page shape. */
export function toPage<Item extends { id: number }>(rows: Item[], limit: number, ordering: string, key: (last: Item) => string | number): Page<Item> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, nextCursor: Buffer.from(JSON.stringify([ordering, key(last), last.id])).toString('base64url') };
}

export const PROJECT_DOCUMENT_HEADER = { format: 'enginecampro.project', version: 1 } as const;
