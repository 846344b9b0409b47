import { PrismaPg } from '@prisma/adapter-pg';
import type { CamInput, CamSummaryDto, ProfilePoint, ProjectDto, ProjectWithCamsDto } from '../../src/index.ts';
import { Prisma, PrismaClient } from '../prisma/generated/client.ts';
import { PROJECT_DOCUMENT_HEADER, camSummary, isoTimestamp, toPage, wholeCam } from './dto.ts';
import type { BenchLibrary, LibraryOptions } from './library.ts';

type CamRecord = Prisma.CamGetPayload<object>;
type ProjectRecord = Prisma.ProjectGetPayload<object>;

/**
 * Prisma 7 through its `pg` driver adapter, as its documentation shows it: `findFirst`/`findMany` with `include`,
 * nested writes, `createManyAndReturn`. It selects whole rows (a computed "profile is not null" is not expressible),
 * so cam summaries read the profiles too; writes know from their input which cams have one.
 */
export function createPrisma({ url, poolSize }: LibraryOptions): BenchLibrary {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
  const camsById = { orderBy: { id: 'asc' as const } };
  const summaryColumns = {
    id: true,
    projectId: true,
    name: true,
    camType: true,
    lift: true,
    duration: true,
    version: true,
    createdAt: true,
    updatedAt: true,
  } as const;

  return {
    name: 'prisma',
    async getCam(userId, camId) {
      return camDto(await prisma.cam.findFirstOrThrow({ where: { id: camId, userId } }));
    },
    async getProject(userId, projectId) {
      return projectWithCams(await prisma.project.findFirstOrThrow({ where: { id: projectId, userId }, include: { cams: camsById } }));
    },
    async listProjects(userId, limit) {
      const rows = await prisma.project.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
      return toPage(rows.map(projectDto), limit, 'createdAt:desc', (last) => last.createdAt);
    },
    async listCams(userId, projectId, limit) {
      const rows = await prisma.cam.findMany({ where: { projectId, userId }, orderBy: { id: 'asc' }, take: limit + 1 });
      return toPage(rows.map(summaryDto), limit, 'id:asc', (last) => last.id);
    },
    async getUserGraph(email) {
      // Prisma cannot say lower(email) = lower($1); `mode: 'insensitive'` is its way, and cannot use that index.
      const user = await prisma.user.findFirstOrThrow({
        where: { email: { equals: email, mode: 'insensitive' } },
        include: { projects: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], include: { cams: camsById } } },
      });
      return {
        id: user.id,
        email: user.email,
        subscriptionStatus: user.subscriptionStatus as 'free' | 'pro',
        createdAt: isoTimestamp(user.createdAt),
        updatedAt: isoTimestamp(user.updatedAt),
        projects: user.projects.map(projectWithCams),
      };
    },
    async getProjectsWithCams(userId, limit) {
      const rows = await prisma.project.findMany({
        where: { userId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        include: { cams: camsById },
      });
      return rows.map(projectWithCams);
    },
    async createProjectWithCams(userId, name, inputs) {
      // A nested write runs in one transaction.
      const project = await prisma.project.create({
        data: { userId, name, cams: { create: inputs.map((input) => ({ ...camData(input), userId })) } },
        include: { cams: { ...camsById, select: summaryColumns } },
      });
      return { ...projectDto(project), cams: project.cams.map((cam, i) => writtenSummary(cam, inputs[i]!)) };
    },
    async updateCamDuration(userId, camId, duration, expectedVersion) {
      const cam = await prisma.cam.update({
        where: { id: camId, version: expectedVersion, userId },
        data: { duration, version: { increment: 1 } },
      });
      return camDto(cam);
    },
    async replaceProfile(userId, camId, profilePoints, lift) {
      const cam = await prisma.cam.update({
        where: { id: camId, userId },
        data: { profilePoints: json(profilePoints), lift, version: { increment: 1 } },
      });
      return camDto(cam);
    },
    async createCams(userId, projectId, inputs) {
      await prisma.project.findFirstOrThrow({ where: { id: projectId, userId }, select: { id: true } });
      const rows = await prisma.cam.createManyAndReturn({ data: inputs.map((input) => ({ ...camData(input), userId, projectId })), select: summaryColumns });
      return rows.map((cam, i) => writtenSummary(cam, inputs[i]!)).sort((a, b) => a.id - b.id);
    },
    async exportProject(userId, projectId) {
      const project = await prisma.project.findFirstOrThrow({
        where: { id: projectId, userId },
        select: { name: true, description: true, cams: { ...camsById, select: { name: true, camType: true, lift: true, duration: true, profilePoints: true } } },
      });
      const cams = project.cams.map((cam) => ({
        name: cam.name,
        camType: cam.camType as CamInput['camType'],
        lift: cam.lift.toNumber(),
        duration: cam.duration,
        profilePoints: cam.profilePoints as unknown as ProfilePoint[] | null,
      }));
      return { ...PROJECT_DOCUMENT_HEADER, exportedAt: new Date().toISOString(), project: { name: project.name, description: project.description, cams } };
    },
    async importProject(userId, { project: document }) {
      const project = await prisma.project.create({
        data: { userId, name: document.name, description: document.description, cams: { createMany: { data: document.cams.map((input) => ({ ...camData(input), userId })) } } },
        include: { cams: { ...camsById, select: summaryColumns } },
      });
      return { ...projectDto(project), cams: project.cams.map((cam, i) => writtenSummary(cam, document.cams[i]!)) };
    },
    close: () => prisma.$disconnect(),
  };
}

function json(points: ProfilePoint[] | null | undefined) {
  return points ? (points as unknown as Prisma.InputJsonValue) : Prisma.DbNull;
}

function camData(input: CamInput) {
  return { name: input.name, camType: input.camType, lift: input.lift, duration: input.duration, profilePoints: json(input.profilePoints) };
}

function fieldsOf(cam: Omit<CamRecord, 'profilePoints' | 'userId'>) {
  return { ...cam, lift: cam.lift.toNumber() };
}

function camDto(cam: CamRecord) {
  return wholeCam(fieldsOf(cam), cam.profilePoints as unknown as ProfilePoint[] | null);
}

function summaryDto(cam: CamRecord): CamSummaryDto {
  return camSummary(fieldsOf(cam), cam.profilePoints !== null);
}

/** Rows come back in input order (ids ascend with it), so the input says which cam has a profile. */
function writtenSummary(cam: Omit<CamRecord, 'profilePoints' | 'userId'>, input: CamInput): CamSummaryDto {
  return camSummary(fieldsOf(cam), input.profilePoints != null);
}

function projectDto(project: ProjectRecord): ProjectDto {
  return {
    id: project.id,
    userId: project.userId,
    name: project.name,
    description: project.description,
    createdAt: isoTimestamp(project.createdAt),
    updatedAt: isoTimestamp(project.updatedAt),
  };
}

function projectWithCams(project: ProjectRecord & { cams: CamRecord[] }): ProjectWithCamsDto {
  return { ...projectDto(project), cams: project.cams.map(summaryDto) };
}
