import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { defineJob, enqueue, enqueueMany, type JobContext } from "@/lib/jobs";
import { ACTIVE_IMPORT_STATUSES, isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { endActiveSync } from "@/lib/import/sync/records";
import { ImportCanceled } from "./context";
import { contextFor, forgetContexts, readImport } from "./context-cache";
import { errorMessage, recordFailure } from "./records";
import { listWith, nextStageOf, stageOf, stagesOf, type FollowUp, type StageDefinition, type UnitScheduler, type WorkUnit } from "./stages";

/**
 * The scheduler: every work unit of an import is one pg-boss job. pg-boss leases it to one worker,
 * retries it with backoff when it fails, and gives it to another worker when its worker dies (the
 * job expires). The work-unit table is the ledger of what is done and where each unit resumes.
 *
 * A unit's job id is derived from the unit and its `run`, so queuing a unit again while its job
 * exists does nothing: resuming after a restart, or a job delivered twice, never runs a unit twice
 * at once. Reopening a unit (resume, retry of failed items, a rate-limit wait) starts a new run.
 *
 * Jobs are taken first in, first out across imports, so imports started together advance side by
 * side, and a page's comment batches are queued as soon as the page is written (pipelining).
 */

const DEFAULT_UNIT_EXPIRY_SECONDS = 30 * 60;
const unitPayload = z.object({ importId: z.number().int().positive(), unitId: z.number().int().positive(), run: z.number().int().min(0) });
type UnitJob = z.infer<typeof unitPayload>;

export const importUnitJob = defineJob({
  name: "import-unit",
  schema: unitPayload,
  // Units wait on Bitbucket most of the time; more of them than request slots keeps the slots busy.
  concurrency: Number(process.env.IMPORT_CONCURRENCY ?? 8),
  // Six runs of a failing unit, 5 s apart and doubling, before its failure is recorded.
  retryLimit: 5,
  retryDelaySeconds: 5,
  expireInSeconds: DEFAULT_UNIT_EXPIRY_SECONDS,
  deadLetter: "import-unit-lost",
  handler: (payload, job) => runUnitJob(payload, job),
  resume: resumeImports,
});

/** Units whose every run ended without an outcome (their workers died, or they ran past their expiry). */
export const lostUnitJob = defineJob({
  name: "import-unit-lost",
  schema: unitPayload,
  handler: async (payload) => {
    const unit = await db.importWorkUnit.findUnique({ where: { id: payload.unitId } });
    const row = await readImport(payload.importId);
    if (!unit || unit.done || unit.run !== payload.run || !row || !isActiveImportStatus(row.status)) return;
    const stage = stageOf(row.source, unit.stage);
    if (stage) await settleFailedUnit(row.source, unit, stage, "its worker stopped, or it ran past its time limit, on every attempt");
  },
});

/**
 * The stage watchdog: one delayed job per import and stage, sent again (the next check of the
 * chain) while the stage moves. A check that finds the same stage with nothing moved since the
 * previous one (no unit created, finished or advanced, no counter changed) ends the stage by the
 * import's `timeoutStrategy`: `pessimistic` (the default) fails the import, `optimistic` records
 * the stage's unfinished units as skipped and moves on. Waiting for a rate limit, or in line
 * behind other imports, is not a stall.
 */
const watchdogPayload = z.object({ importId: z.number().int().positive(), stage: z.string(), mark: z.string(), check: z.number().int().min(0) });

export const stageWatchdogJob = defineJob({
  name: "import-stage-watchdog",
  schema: watchdogPayload,
  concurrency: 2,
  handler: (payload) => checkStageProgress(payload),
});

/** The units of background stages (see StageDefinition.background): a few workers, enough to keep the request limit busy. */
export const backgroundUnitJob = defineJob({
  ...importUnitJob,
  name: "import-unit-background",
  concurrency: Number(process.env.IMPORT_BACKGROUND_CONCURRENCY ?? 3),
  resume: undefined,
});

export const IMPORT_JOBS = [importUnitJob, backgroundUnitJob, lostUnitJob, stageWatchdogJob];

const stageTimeoutSchema = z.coerce.number().positive().default(60);

/** IMPORT_STAGE_TIMEOUT_MINUTES: how long a stage may go without progress (fractions allowed). */
export function stageTimeoutMinutes(): number {
  return stageTimeoutSchema.parse(process.env.IMPORT_STAGE_TIMEOUT_MINUTES || undefined);
}

const timeoutStrategySchema = z.object({ timeoutStrategy: z.enum(["optimistic", "pessimistic"]).catch("pessimistic") }).catch({ timeoutStrategy: "pessimistic" });

/** What has moved in the import so far: changes whenever a unit is created, advanced or finished, or a counter moves. */
async function progressMark(importId: number): Promise<string> {
  const [units, counters] = await Promise.all([
    db.importWorkUnit.aggregate({ where: { importId }, _count: { _all: true }, _max: { updatedAt: true } }),
    db.importProgress.aggregate({ where: { importId }, _sum: { total: true, fetched: true, imported: true, failed: true, skipped: true } }),
  ]);
  const sums = counters._sum;
  return [units._count._all, units._max.updatedAt?.getTime() ?? 0, sums.total ?? 0, sums.fetched ?? 0, sums.imported ?? 0, sums.failed ?? 0, sums.skipped ?? 0].join(":");
}

async function armStageWatchdog(importId: number, stage: string, mark: string, check: number): Promise<void> {
  await enqueue(stageWatchdogJob, { importId, stage, mark, check }, { key: `import-stage-watchdog:${importId}:${stage}:${check}`, startAfterSeconds: Math.max(1, Math.round(stageTimeoutMinutes() * 60)) });
}

async function checkStageProgress({ importId, stage, mark, check }: z.infer<typeof watchdogPayload>): Promise<void> {
  const row = await db.projectImport.findUnique({ where: { id: importId }, select: { status: true, stage: true, source: true, options: true, waitingUntil: true } });
  if (!row || !isActiveImportStatus(row.status) || row.stage !== stage) return;
  const markNow = await progressMark(importId);
  const waiting = row.status !== "started" || (row.waitingUntil !== null && row.waitingUntil.getTime() > Date.now());
  if (markNow !== mark || waiting) return armStageWatchdog(importId, stage, markNow, check + 1);
  const definition = stageOf(row.source, stage);
  if (!definition) return;
  const minutes = stageTimeoutMinutes();
  const { timeoutStrategy } = timeoutStrategySchema.parse(row.options);
  const objectType = definition.objectTypes[0] ?? "repository";
  if (timeoutStrategy === "pessimistic") {
    await recordFailure(importId, { stage, objectType, sourceId: stage, message: `No progress for ${minutes} minutes; the import stopped (timeout strategy: pessimistic).` });
    return failImport(importId, `The ${definition.label} made no progress for ${minutes} minutes.`);
  }
  const pending = await db.importWorkUnit.findMany({ where: { importId, stage, done: false }, select: { id: true, key: true } });
  for (const unit of pending) {
    await recordFailure(importId, { stage, objectType, sourceId: `${stage}:${unit.key}`, message: `Skipped after ${minutes} minutes without progress (timeout strategy: optimistic).` });
  }
  // A newer run: whatever the stalled runs still do when they return is ignored (see completeUnit).
  await db.importWorkUnit.updateMany({ where: { id: { in: pending.map((unit) => unit.id) }, done: false }, data: { done: true, run: { increment: 1 } } });
  await advance(row.source, importId, stage);
}

function unitJobKey(unit: { id: number; run: number }): string {
  return `import-unit:${unit.id}:${unit.run}`;
}

type QueueOptions = { startAfterSeconds?: number; priority?: number };

async function queueUnits(source: string, importId: number, units: ReadonlyArray<Pick<WorkUnit, "id" | "run" | "stage">>, options: QueueOptions = {}): Promise<void> {
  for (const job of [importUnitJob, backgroundUnitJob]) {
    const queued = units.filter((unit) => (stageOf(source, unit.stage)?.background === true) === (job === backgroundUnitJob));
    await enqueueMany(
      job,
      queued.map((unit) => ({
        payload: { importId, unitId: unit.id, run: unit.run },
        key: unitJobKey(unit),
        expireInSeconds: stageOf(source, unit.stage)?.expireInSeconds ?? DEFAULT_UNIT_EXPIRY_SECONDS,
        ...options,
      })),
    );
  }
}

/**
 * Follow-ups of a finished unit (a page's comment batches) go before the queue's other units, so
 * a page's comments are imported while later pages load. Every unit of a stage still comes
 * first in, first out across imports, and stages only advance in order, so no import waits for
 * whole imports ahead of it.
 */
const FOLLOW_UP_PRIORITY = 1;

/**
 * Starts (or continues) the import's current stage: makes sure its first unit exists and queues
 * every unit not done; moves on when none is left. Safe to call any time (see unitJobKey).
 */
export async function scheduleStage(importId: number, stageName: string): Promise<void> {
  const row = await db.projectImport.findUnique({ where: { id: importId }, select: { status: true, stage: true, source: true, cancelRequestedAt: true } });
  if (!row || !isActiveImportStatus(row.status) || row.stage !== stageName) return;
  if (row.cancelRequestedAt) return markCanceled(importId);
  const stage = stageOf(row.source, stageName);
  if (!stage) return failImport(importId, `The import stopped at a stage this version does not know (${stageName}).`);
  if (stage.firstUnit) {
    await db.importWorkUnit.upsert({ where: { importId_stage_key: { importId, stage: stage.name, key: stage.firstUnit } }, create: { importId, stage: stage.name, key: stage.firstUnit }, update: {} });
  }
  const pending = await db.importWorkUnit.findMany({ where: { importId, stage: stage.name, done: false }, select: { id: true, run: true, stage: true }, orderBy: { id: "asc" } });
  if (pending.length === 0) return advance(row.source, importId, stage.name);
  await queueUnits(row.source, importId, pending);
  await armStageWatchdog(importId, stage.name, await progressMark(importId), 0);
}

/** After a restart: every import that was running continues where its units left off. */
export async function resumeImports(): Promise<number> {
  const active = await db.projectImport.findMany({ where: { status: { in: [...ACTIVE_IMPORT_STATUSES] } }, select: { id: true, stage: true, source: true } });
  for (const row of active) await scheduleStage(row.id, row.stage ?? stagesOf(row.source)[0]!.name);
  return active.length;
}

/** When the stage's last unit is done, moves the import to the next stage and schedules it. */
async function advance(source: string, importId: number, stage: string): Promise<void> {
  const remaining = await db.importWorkUnit.count({ where: { importId, stage, done: false } });
  if (remaining > 0) return;
  const current = await db.projectImport.findUnique({ where: { id: importId }, select: { cancelRequestedAt: true } });
  if (current?.cancelRequestedAt) return markCanceled(importId);
  const next = nextStageOf(source, stage);
  if (!next) return;
  const { count } = await db.projectImport.updateMany({ where: { id: importId, stage, status: "started", cancelRequestedAt: null }, data: { stage: next.name } });
  if (count !== 1) return;
  forgetContexts(importId, stage);
  await scheduleStage(importId, next.name);
}

/**
 * May the unit run now? Units of the import's current stage may; so may a follow-up unit whose
 * creating unit is done, while its creator's stage or a stage between it and the follow-up's own
 * runs. Anything else waits for its stage, which queues it then.
 */
async function mayRun(source: string, unit: WorkUnit, importStage: string | null): Promise<boolean> {
  if (unit.stage === importStage) return true;
  const followsFrom = stageOf(source, unit.stage)?.followsFrom;
  const stages = listWith(source, unit.stage).map((stage) => stage.name);
  const current = stages.indexOf(importStage ?? "");
  if (!followsFrom || current < stages.indexOf(followsFrom) || current > stages.indexOf(unit.stage)) return false;
  const parent = await db.importWorkUnit.findUnique({
    where: { importId_stage_key: { importId: unit.importId, stage: followsFrom, key: unit.key.slice(0, unit.key.lastIndexOf(":")) } },
    select: { done: true },
  });
  return parent?.done === true;
}

function schedulerFor(source: string, unit: WorkUnit): UnitScheduler {
  return {
    async startUnits(units) {
      if (units.length === 0) return;
      await db.importWorkUnit.createMany({ data: units.map((entry) => ({ importId: unit.importId, stage: unit.stage, ...entry })), skipDuplicates: true });
      const created = await db.importWorkUnit.findMany({
        where: { importId: unit.importId, stage: unit.stage, key: { in: units.map((entry) => entry.key) }, done: false },
        select: { id: true, run: true, stage: true },
        orderBy: { id: "asc" },
      });
      await queueUnits(source, unit.importId, created);
    },
  };
}

/** Marks the unit done with its follow-ups created (one transaction), queues them, and moves the stage on. */
async function completeUnit(source: string, unit: WorkUnit, followUps: readonly FollowUp[]): Promise<void> {
  // A unit reopened meanwhile (a newer run) is left to that run.
  const markDone = async (client: Prisma.TransactionClient) => (await client.importWorkUnit.updateMany({ where: { id: unit.id, run: unit.run }, data: { done: true } })).count === 1;
  const completed =
    followUps.length === 0
      ? await markDone(db)
      : await db.$transaction(async (tx) => {
          await tx.importWorkUnit.createMany({
            data: followUps.map((followUp) => ({
              importId: unit.importId,
              stage: followUp.stage,
              key: followUp.key,
              cursor: followUp.cursor ?? null,
              payload: followUp.payload ?? ({} as Prisma.InputJsonValue),
            })),
            skipDuplicates: true,
          });
          return markDone(tx);
        });
  if (!completed) return;
  if (followUps.length > 0) {
    const pending = await db.importWorkUnit.findMany({
      where: { importId: unit.importId, stage: followUps[0]!.stage, key: { in: followUps.map((followUp) => followUp.key) }, done: false },
      select: { id: true, run: true, stage: true },
      orderBy: { id: "asc" },
    });
    await queueUnits(source, unit.importId, pending, { priority: FOLLOW_UP_PRIORITY });
  }
  await advance(source, unit.importId, unit.stage);
}

/** The unit's job: runs it once; a failure is thrown for pg-boss to retry, and recorded on the last run. */
export async function runUnitJob({ importId, unitId, run }: UnitJob, job: Pick<JobContext, "retryCount" | "retryLimit">): Promise<void> {
  const unit = await db.importWorkUnit.findUnique({ where: { id: unitId } });
  if (!unit || unit.run !== run) return;
  const row = await readImport(importId);
  if (!row || !isActiveImportStatus(row.status)) return;
  if (row.cancelRequestedAt) return markCanceled(importId);
  // A job delivered again after its unit was done (its worker died right after): the stage goes on.
  if (unit.done) return scheduleStage(importId, row.stage ?? "");
  const stage = stageOf(row.source, unit.stage);
  if (!stage || !(await mayRun(row.source, unit, row.stage))) return;
  if (row.status === "scheduled") {
    const startedAt = row.startedAt ?? new Date();
    await db.projectImport.updateMany({ where: { id: importId, status: "scheduled" }, data: { status: "started", startedAt } });
    Object.assign(row, { status: "started", startedAt });
  }
  const ctx = contextFor(row, stage.name);
  try {
    await ctx.checkpoint();
    if (stage.singleUnit) await db.importProgress.deleteMany({ where: { importId, objectType: { in: [...stage.objectTypes] } } });
    const followUps = await stage.run(ctx, unit, schedulerFor(row.source, unit));
    await completeUnit(row.source, unit, followUps);
    if (ctx.row.waitingUntil) {
      await db.projectImport.updateMany({ where: { id: importId, waitingUntil: { lt: new Date() } }, data: { waitingUntil: null } });
    }
  } catch (error) {
    if (error instanceof ImportCanceled) return markCanceled(importId);
    const resumeAt = rateLimitReset(error);
    if (resumeAt) return waitForRateLimit(row.source, unit, resumeAt);
    const lastRun = job.retryCount >= job.retryLimit || (stage.essential && isPermanent(error));
    if (!lastRun) {
      console.warn(`[import] ${stage.name} unit ${unit.key} of import ${importId} failed (run ${job.retryCount + 1}), retrying: ${errorMessage(error)}`);
      throw error;
    }
    await settleFailedUnit(row.source, unit, stage, errorMessage(error));
  }
}

/** Records the unit's failure; the stage goes on without it, unless the stage is essential to the import. */
async function settleFailedUnit(source: string, unit: WorkUnit, stage: StageDefinition, message: string): Promise<void> {
  if (stage.essential) {
    await recordFailure(unit.importId, { stage: stage.name, objectType: stage.objectTypes[0] ?? "repository", sourceId: stage.name, message });
    return failImport(unit.importId, `The ${stage.label} could not be imported: ${message}`);
  }
  await recordFailure(unit.importId, { stage: stage.name, objectType: stage.objectTypes[0] ?? "repository", sourceId: `${stage.name}:${unit.key}`, message });
  await completeUnit(source, unit, []);
}

/** The source's rate limit resets later than a job should wait: the unit runs again then, in a new run, and frees its worker now. */
async function waitForRateLimit(source: string, unit: WorkUnit, resumeAt: Date): Promise<void> {
  const { count } = await db.importWorkUnit.updateMany({ where: { id: unit.id, run: unit.run, done: false }, data: { run: { increment: 1 } } });
  if (count !== 1) return;
  await db.projectImport.update({ where: { id: unit.importId }, data: { waitingUntil: resumeAt } });
  await queueUnits(source, unit.importId, [{ ...unit, run: unit.run + 1 }], { startAfterSeconds: Math.max(1, Math.ceil((resumeAt.getTime() - Date.now()) / 1000)) });
}

function rateLimitReset(error: unknown): Date | null {
  const { code, retryAt } = (error ?? {}) as { code?: string; retryAt?: unknown };
  return (code === "rate_limited" || code === "github_rate_limited") && retryAt instanceof Date && retryAt.getTime() > Date.now() ? retryAt : null;
}

function isPermanent(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "not_found" || code === "auth_invalid" || code === "remote_not_allowed" || code === "bitbucket_reconnect_required" || code === "github_unauthorized";
}

async function markCanceled(importId: number): Promise<void> {
  forgetContexts(importId);
  if (await endActiveSync(importId, "canceled")) return;
  await db.projectImport.updateMany({ where: { id: importId, status: { in: [...ACTIVE_IMPORT_STATUSES] } }, data: { status: "canceled", finishedAt: new Date(), waitingUntil: null } });
}

async function failImport(importId: number, message: string): Promise<void> {
  forgetContexts(importId);
  if (await endActiveSync(importId, "failed", message)) return;
  await db.projectImport.updateMany({
    where: { id: importId, status: { in: [...ACTIVE_IMPORT_STATUSES] } },
    data: { status: "failed", error: message, finishedAt: new Date(), waitingUntil: null },
  });
}

/**
 * Opens the import's units for another run: the given stages' units all (their done flags
 * cleared), every other unit not done yet. Jobs of earlier runs that are still queued end
 * without doing anything.
 */
export async function reopenUnits(tx: Prisma.TransactionClient, importId: number, stages: readonly string[] = []): Promise<void> {
  await tx.importWorkUnit.updateMany({ where: { importId, OR: [{ done: false }, { stage: { in: [...stages] } }] }, data: { done: false, run: { increment: 1 } } });
}
