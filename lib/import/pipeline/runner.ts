import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { defineJob, enqueue, type JobContext } from "@/lib/jobs";
import { SourceFeatureUnavailable, type SourceRepository } from "@/lib/import/sources/types";
import { ImportCanceled, ImportContext } from "./context";
import { importIssueNotes, importIssuePage } from "./issues";
import { importLfsObjects } from "./lfs";
import { importNotesFor, importPullRequestNotes, importPullRequestPage } from "./pull-requests";
import { addProgress, errorMessage, recordFailure, type ObjectType } from "./records";
import { importRepository, reportIssuesUnavailable } from "./repository-stage";
import { INITIAL_UNIT, STAGES, nextStage, type Stage } from "./stages";
import { TextConverter } from "./text";

const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
const LEASE_SECONDS = 60;
const NOTES_BATCH = 25;
const ACTIVE_STATUSES = ["scheduled", "started"] as const;

export const importStageJob = defineJob({
  name: "import-stage",
  schema: z.object({ importId: z.number().int().positive(), stage: z.enum(STAGES) }),
  concurrency: 2,
  retryLimit: 5,
  handler: async ({ importId, stage }) => runStage(importId, stage),
});

export const importUnitJob = defineJob({
  name: "import-unit",
  schema: z.object({ importId: z.number().int().positive(), unitId: z.number().int().positive() }),
  concurrency: Number(process.env.IMPORT_CONCURRENCY ?? 6),
  retryLimit: 5,
  retryDelaySeconds: 5,
  expireInSeconds: 60 * 60,
  handler: async ({ importId, unitId }, job) => runUnit(importId, unitId, job),
});

export const IMPORT_JOBS = [importStageJob, importUnitJob];

/** Starts (or resumes) a stage: makes sure its first unit exists, queues every unit not done, advances when none is left. */
export async function runStage(importId: number, stage: Stage): Promise<void> {
  const row = await db.projectImport.findUnique({ where: { id: importId } });
  if (!row || !ACTIVE_STATUSES.includes(row.status as (typeof ACTIVE_STATUSES)[number]) || row.stage !== stage) return;
  if (row.cancelRequestedAt) return markCanceled(importId);
  if (row.status === "scheduled") {
    await db.projectImport.update({ where: { id: importId }, data: { status: "started", startedAt: row.startedAt ?? new Date() } });
  }
  const initial = INITIAL_UNIT[stage];
  if (initial) {
    await db.importWorkUnit.upsert({ where: { importId_stage_key: { importId, stage, key: initial } }, create: { importId, stage, key: initial }, update: {} });
  }
  const pending = await db.importWorkUnit.findMany({ where: { importId, stage, done: false }, select: { id: true }, orderBy: { id: "asc" } });
  if (pending.length === 0) return advance(importId, stage);
  for (const unit of pending) await enqueue(importUnitJob, { importId, unitId: unit.id });
}

async function advance(importId: number, stage: Stage): Promise<void> {
  const remaining = await db.importWorkUnit.count({ where: { importId, stage, done: false } });
  if (remaining > 0) return;
  const current = await db.projectImport.findUnique({ where: { id: importId }, select: { cancelRequestedAt: true } });
  if (current?.cancelRequestedAt) return markCanceled(importId);
  const next = nextStage(stage);
  if (!next) return;
  const { count } = await db.projectImport.updateMany({ where: { id: importId, stage, status: "started", cancelRequestedAt: null }, data: { stage: next } });
  if (count === 1) await enqueue(importStageJob, { importId, stage: next });
}

async function claim(unitId: number): Promise<boolean> {
  const unit = await db.importWorkUnit.findUnique({ where: { id: unitId }, select: { done: true, leaseOwner: true, leaseUntil: true } });
  if (!unit || unit.done) return false;
  const free = !unit.leaseOwner || !unit.leaseUntil || unit.leaseUntil < new Date() || unit.leaseOwner === WORKER_ID || ownerIsDead(unit.leaseOwner);
  if (!free) return false;
  const { count } = await db.importWorkUnit.updateMany({
    where: { id: unitId, done: false, leaseOwner: unit.leaseOwner, leaseUntil: unit.leaseUntil },
    data: { leaseOwner: WORKER_ID, leaseUntil: new Date(Date.now() + LEASE_SECONDS * 1000), attempts: { increment: 1 } },
  });
  return count === 1;
}

/** A lease held by a process of this machine that no longer exists (killed worker) is free at once. */
function ownerIsDead(owner: string): boolean {
  const [host, pid] = owner.split(":");
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

async function markCanceled(importId: number): Promise<void> {
  await db.projectImport.updateMany({
    where: { id: importId, status: { in: [...ACTIVE_STATUSES] } },
    data: { status: "canceled", finishedAt: new Date(), waitingUntil: null },
  });
}

async function failImport(importId: number, message: string): Promise<void> {
  await db.projectImport.updateMany({
    where: { id: importId, status: { in: [...ACTIVE_STATUSES] } },
    data: { status: "failed", error: message, finishedAt: new Date(), waitingUntil: null },
  });
}

function pageNumber(key: string): number {
  return Number(key.split(":")[1] ?? 1);
}

type UnitRow = Prisma.ImportWorkUnitGetPayload<object>;
const notesPayload = z.object({ ids: z.array(z.number().int()), done: z.array(z.number().int()).default([]) });

function repositoryInfo(ctx: ImportContext): SourceRepository {
  const info = (ctx.row.options as { repository?: SourceRepository } | null)?.repository;
  if (!info) throw new Error("The repository stage did not record the source repository");
  return info;
}

/** Creates (once) and queues a unit of the running stage, e.g. the next page while this one is written. */
async function startUnit(importId: number, stage: Stage, key: string, cursor: string): Promise<void> {
  const unit = await db.importWorkUnit.upsert({
    where: { importId_stage_key: { importId, stage, key } },
    create: { importId, stage, key, cursor },
    update: {},
  });
  if (!unit.done) await enqueue(importUnitJob, { importId, unitId: unit.id });
}

async function completeUnit(unit: UnitRow, followUps: Array<{ stage: Stage; key: string; cursor?: string | null; payload?: Prisma.InputJsonValue }>): Promise<number[]> {
  return db.$transaction(async (tx) => {
    const created: number[] = [];
    for (const followUp of followUps) {
      const row = await tx.importWorkUnit.upsert({
        where: { importId_stage_key: { importId: unit.importId, stage: followUp.stage, key: followUp.key } },
        create: { importId: unit.importId, stage: followUp.stage, key: followUp.key, cursor: followUp.cursor ?? null, payload: followUp.payload ?? {} },
        update: {},
      });
      if (followUp.stage === unit.stage) created.push(row.id);
    }
    await tx.importWorkUnit.update({ where: { id: unit.id }, data: { done: true, leaseOwner: null, leaseUntil: null } });
    return created;
  });
}

async function executeUnit(ctx: ImportContext, unit: UnitRow): Promise<Array<{ stage: Stage; key: string; cursor?: string | null; payload?: Prisma.InputJsonValue }>> {
  const stage = unit.stage as Stage;
  switch (stage) {
    case "repository": {
      const repository = await ctx.source.repository();
      await db.projectImport.update({
        where: { id: ctx.importId },
        data: { options: { ...((ctx.row.options as object | null) ?? {}), repository } as Prisma.InputJsonValue },
      });
      await importRepository(ctx);
      return [];
    }
    case "users": {
      let cursor = unit.cursor;
      do {
        await ctx.checkpoint();
        const page = await ctx.source.membersPage(cursor);
        await addProgress(ctx.importId, "user", { total: page.total ?? undefined, fetched: page.items.length });
        for (const member of page.items) {
          const userId = await ctx.mappedUserFor(member);
          const data = { accountId: member.accountId, nickname: member.username, displayName: member.displayName, userId };
          await db.importSourceUser.upsert({ where: { importId_uuid: { importId: ctx.importId, uuid: member.id } }, create: { importId: ctx.importId, uuid: member.id, ...data }, update: data });
        }
        await addProgress(ctx.importId, "user", { imported: page.items.length });
        cursor = page.next;
        await db.importWorkUnit.update({ where: { id: unit.id }, data: { cursor } });
      } while (cursor);
      return [];
    }
    case "pull_requests": {
      const repository = repositoryInfo(ctx);
      const text = await TextConverter.forImport(ctx, repository.webUrl);
      const result = await importPullRequestPage(ctx, repository, text, unit.cursor, (next) => startUnit(unit.importId, "pull_requests", `page:${pageNumber(unit.key) + 1}`, next));
      const followUps: Array<{ stage: Stage; key: string; cursor?: string | null; payload?: Prisma.InputJsonValue }> = [];
      const ids = result.withComments.map((pullRequest) => pullRequest.id);
      for (let index = 0; index < ids.length; index += NOTES_BATCH) {
        followUps.push({ stage: "pull_request_notes", key: `${unit.key}:${index / NOTES_BATCH}`, payload: { ids: ids.slice(index, index + NOTES_BATCH), done: [] } });
      }
      return followUps;
    }
    case "pull_request_notes":
    case "issue_notes": {
      const payload = notesPayload.parse(unit.payload);
      const text = await TextConverter.forImport(ctx, repositoryInfo(ctx).webUrl);
      const done = new Set(payload.done);
      const kind = stage === "pull_request_notes" ? "pull_request" : "issue";
      await importNotesFor(
        ctx,
        kind,
        payload.ids,
        done,
        (id) => (kind === "pull_request" ? importPullRequestNotes(ctx, text, id) : importIssueNotes(ctx, text, id)),
        async () => {
          await db.importWorkUnit.update({ where: { id: unit.id }, data: { payload: { ids: payload.ids, done: [...done] } } });
        },
      );
      return [];
    }
    case "issues": {
      const repository = repositoryInfo(ctx);
      if (!repository.hasIssues) {
        await reportIssuesUnavailable(ctx, new SourceFeatureUnavailable("issues", "the repository has no issue tracker"));
        return [];
      }
      const text = await TextConverter.forImport(ctx, repository.webUrl);
      try {
        const result = await importIssuePage(ctx, text, unit.cursor, (next) => startUnit(unit.importId, "issues", `page:${pageNumber(unit.key) + 1}`, next));
        const followUps: Array<{ stage: Stage; key: string; cursor?: string | null; payload?: Prisma.InputJsonValue }> = [];
        for (let index = 0; index < result.ids.length; index += NOTES_BATCH) {
          followUps.push({ stage: "issue_notes", key: `${unit.key}:${index / NOTES_BATCH}`, payload: { ids: result.ids.slice(index, index + NOTES_BATCH), done: [] } });
        }
        return followUps;
      } catch (error) {
        if (!(error instanceof SourceFeatureUnavailable)) throw error;
        await reportIssuesUnavailable(ctx, error);
        return [];
      }
    }
    case "lfs_objects":
      await importLfsObjects(ctx, repositoryInfo(ctx));
      return [];
    case "finish":
      await finishImport(ctx.importId);
      return [];
  }
}

const STAGE_OBJECT_TYPE: Record<Stage, ObjectType> = {
  repository: "repository",
  users: "user",
  pull_requests: "pull_request",
  pull_request_notes: "pull_request_note",
  issues: "issue",
  issue_notes: "issue_note",
  lfs_objects: "lfs_object",
  finish: "repository",
};

export async function runUnit(importId: number, unitId: number, job: JobContext): Promise<void> {
  if (!(await claim(unitId))) return;
  const heartbeat = setInterval(() => {
    void db.importWorkUnit
      .updateMany({ where: { id: unitId, leaseOwner: WORKER_ID }, data: { leaseUntil: new Date(Date.now() + LEASE_SECONDS * 1000) } })
      .catch(() => undefined);
  }, (LEASE_SECONDS * 1000) / 3);
  const unit = await db.importWorkUnit.findUniqueOrThrow({ where: { id: unitId } });
  const stage = unit.stage as Stage;
  try {
    const ctx = await ImportContext.load(importId);
    if (!ctx || !ACTIVE_STATUSES.includes(ctx.row.status as (typeof ACTIVE_STATUSES)[number])) return;
    await ctx.checkpoint();
    const followUps = await executeUnit(ctx, unit);
    const sameStage = await completeUnit(unit, followUps);
    for (const id of sameStage) await enqueue(importUnitJob, { importId, unitId: id });
    await db.projectImport.updateMany({ where: { id: importId, waitingUntil: { lt: new Date() } }, data: { waitingUntil: null } });
    await advance(importId, stage);
  } catch (error) {
    if (error instanceof ImportCanceled) return markCanceled(importId);
    if (stage === "repository") {
      if (job.retryCount < job.retryLimit && !isPermanent(error)) throw error;
      await recordFailure(importId, { stage, objectType: "repository", sourceId: "repository", message: errorMessage(error) });
      return failImport(importId, `The repository could not be imported: ${errorMessage(error)}`);
    }
    if (job.retryCount < job.retryLimit) {
      await db.importWorkUnit.updateMany({ where: { id: unitId, leaseOwner: WORKER_ID }, data: { leaseOwner: null, leaseUntil: null } });
      throw error;
    }
    await recordFailure(importId, { stage, objectType: STAGE_OBJECT_TYPE[stage], sourceId: `${stage}:${unit.key}`, message: errorMessage(error) });
    await completeUnit(unit, []);
    await advance(importId, stage);
  } finally {
    clearInterval(heartbeat);
  }
}

function isPermanent(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "not_found" || code === "auth_invalid" || code === "remote_not_allowed" || code === "bitbucket_reconnect_required";
}

export async function finishImport(importId: number): Promise<void> {
  const unresolved = await db.importFailure.count({ where: { importId, resolvedAt: null } });
  await db.projectImport.updateMany({
    where: { id: importId, status: { in: [...ACTIVE_STATUSES] } },
    data: { status: unresolved > 0 ? "partial" : "finished", finishedAt: new Date(), waitingUntil: null, stage: "finish" },
  });
}

/** After a restart: every import that was running continues where its units left off. */
export async function resumeImports(): Promise<number> {
  const active = await db.projectImport.findMany({ where: { status: { in: [...ACTIVE_STATUSES] } }, select: { id: true, stage: true } });
  for (const row of active) {
    const stage = (STAGES as readonly string[]).includes(row.stage ?? "") ? (row.stage as Stage) : "repository";
    await enqueue(importStageJob, { importId: row.id, stage });
  }
  return active.length;
}
