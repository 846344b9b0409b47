import type { CamInput, ProfilePoint, ProjectDocument } from '../../src/index.ts';
import type { BenchConfig } from '../config.ts';
import type { BenchData } from './seed.ts';
import { randomCam } from './lobe.ts';
import { seededRandom } from './random.ts';

/** Inputs of the write scenarios, made once before any timing so every library writes the same values. */
export interface WriteInputs {
  /** Sets of three cams for "create a project with 3 cams". */
  camTrios: CamInput[][];
  /** New profiles with their lifts for "replace a cam's profile". */
  profiles: { profilePoints: ProfilePoint[]; lift: number }[];
  /** The cams of the bulk writes: the first `size` of these for the scenarios of each size. */
  bulkCams: CamInput[];
  /** A document of the first `size` bulk cams, by size. */
  importDocuments: Map<number, ProjectDocument>;
  /** The version each updatable cam is at, kept as the updates return it: `expectedVersion` is always right. */
  camVersions: Map<number, number>;
  /** Cams whose duration is updated, and cams whose profile is replaced: disjoint, so versions stay known. */
  durationCams: BenchData['updatableCams'];
  profileCams: BenchData['updatableCams'];
}

export function makeWriteInputs(config: BenchConfig, data: BenchData): WriteInputs {
  const random = seededRandom(7);
  const bulkCams = Array.from({ length: Math.max(...config.bulkSizes) }, (_, i) => randomCam(random, `Bulk lobe ${i + 1}`));
  const half = data.updatableCams.length / 2;
  return {
    camTrios: Array.from({ length: 16 }, (_, set) => [1, 2, 3].map((n) => randomCam(random, `Lobe ${set}.${n}`))),
    profiles: Array.from({ length: 16 }, () => {
      const { profilePoints, lift } = randomCam(random, 'replacement');
      return { profilePoints: profilePoints!, lift };
    }),
    bulkCams,
    importDocuments: new Map(
      config.bulkSizes.map((size) => [
        size,
        {
          format: 'enginecampro.project',
          version: 1,
          exportedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
          project: { name: IMPORTED_PROJECT_NAME, description: 'A lobe library from another workshop', cams: bulkCams.slice(0, size) },
        },
      ]),
    ),
    camVersions: new Map(data.updatableCams.map((cam) => [cam.camId, 1])),
    durationCams: data.updatableCams.slice(0, half),
    profileCams: data.updatableCams.slice(half),
  };
}

export const IMPORTED_PROJECT_NAME = 'Imported lobe library';
export const CREATED_PROJECT_NAME = 'Created with three cams';
