import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { defineJob, enqueue } from "@/lib/jobs";
import { SourceFeatureUnavailable, type SourcePage, type SourceRepository } from "@/lib/import/sources/types";
import { mapWithLimit } from "@/lib/util/concurrency";
import { ImportCanceled, ImportContext } from "./context";
import { importIssueNotes, importIssues } from "./issues";
import { importLfsObjects } from "./lfs";
import { importPullRequestNotes, importPullRequests } from "./pull-requests";
import { addProgress, errorMessage, recordFailure, type ObjectType } from "./records";
import { importRepository, reportIssuesUnavailable } from "./repository-stage";
import { INITIAL_UNIT, STAGES, nextStage, type Stage } from "./stages";
import { TextConverter } from "./text";

const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
const LEASE_SECONDS = 60;
/** Issues or pull requests whose comments one unit imports (fetched a few at once, written in one statement). */
const NOTES_BATCH = 25;
const ACTIVE_STATUSES = ["scheduled", "started"] as const;
/** Runs of a unit before its failure is recorded and the stage goes on (or, for the repository, the import fails). */
const UNIT_ATTEMPTS = 6;
/** Units one job runs back to back before it hands its worker slot back (other imports get their turn). */
const UNITS_PER_JOB = 25;

export const importStageJob = defineJob({
  name: "import-stage",
  schema: z.object({ importId: z.number().int().positive(), stage: z.enum(STAGES) }),
  concurrency: 2,
  retryLimit: 5,
  // Quick: creates and queues the stage's units, which unit workers take first in, first out across
  // imports. Running them here would hold one of few stage slots and make other imports wait to start.
  handler: async ({ importId, stage }) => runStage(importId, stage),
});

export const importUnitJob = defineJob({
  name: "import-unit",
  schema: z.object({ importId: z.number().int().positive(), unitId: z.number().int().positive() }),
  // Units wait on Bitbucket most of the time; more of them than request slots keeps the slots busy.
  concurrency: Number(process.env.IMPORT_CONCURRENCY ?? 8),
  // A failing unit is retried by the runner (UNIT_ATTEMPTS, with backoff); a job fails only when the database does.
  retryLimit: 5,
  retryDelaySeconds: 5,
  expireInSeconds: 60 * 60,
  handler: async ({ importId, unitId }) => runUnits(importId, unitId),
});

export const IMPORT_JOBS = [importStageJob, importUnitJob];

// ---------------------------------------------------------------------------------------------
// Contexts: one per running stage of an import in this process, shared by the stage's units

const CONTEXT_IDLE_MS = 10 * 60_000;
const contexts = new Map<string, { ctx: ImportContext; usedAt: number }>();

/** The stage's context with the import row read now; null when the import is gone. */
async function contextFor(importId: number, stage: Stage): Promise<ImportContext | null> {
  const row = await db.projectImport.findUnique({ where: { id: importId }, include: { project: true } });
  if (!row) return null;
  const now = Date.now();
  for (const [key, entry] of contexts) if (now - entry.usedAt > CONTEXT_IDLE_MS) contexts.delete(key);
  const key = `${importId}:${stage}`;
  const cached = contexts.get(key);
  if (cached) {
    cached.ctx.update(row);
    cached.usedAt = now;
    return cached.ctx;
  }
  const ctx = new ImportContext(row);
  contexts.set(key, { ctx, usedAt: now });
  return ctx;
}

function forgetContexts(importId: number, stage?: Stage): void {
  for (const key of contexts.keys()) {
    if (stage ? key === `${importId}:${stage}` : key.startsWith(`${importId}:`)) contexts.delete(key);
  }
}

// ---------------------------------------------------------------------------------------------
// Stages and units

/** Starts (or resumes) a stage: makes sure its first unit exists, queues every unit not done, advances when none is left. */
export async function runStage(importId: number, stage: Stage): Promise<void> {
  const row = await db.projectImport.findUnique({ where: { id: importId } });
  if (!row || !ACTIVE_STATUSES.includes(row.status as (typeof ACTIVE_STATUSES)[number]) || row.stage !== stage) return;
  if (row.cancelRequestedAt) return markCanceled(importId);
  if (row.status === "scheduled") {
    await db.projectImport.update({ where: { id: importId }, data: { status: "started", startedAt: row.startedAt ?? new Date() } });
  }
  // A stage that starts again (a retry, a restart) reads users and mappings afresh.
  forgetContexts(importId, stage);
  const initial = INITIAL_UNIT[stage];
  if (initial) {
    await db.importWorkUnit.upsert({ where: { importId_stage_key: { importId, stage, key: initial } }, create: { importId, stage, key: initial }, update: {} });
  }
  const pending = await db.importWorkUnit.findMany({ where: { importId, stage, done: false }, select: { id: true }, orderBy: { id: "asc" } });
  if (pending.length === 0) return advance(importId, stage);
  await enqueueUnits(importId, pending.map((unit) => unit.id));
}

async function enqueueUnits(importId: number, unitIds: readonly number[]): Promise<void> {
  await mapWithLimit(unitIds, 4, (unitId) => enqueue(importUnitJob, { importId, unitId }));
}

/**
 * When the stage's last unit is done, moves the import to the next stage and starts it at once,
 * in this job (no wait for a queue poll); if that fails, a stage job starts it.
 */
async function advance(importId: number, stage: Stage): Promise<void> {
  const remaining = await db.importWorkUnit.count({ where: { importId, stage, done: false } });
  if (remaining > 0) return;
  const current = await db.projectImport.findUnique({ where: { id: importId }, select: { cancelRequestedAt: true } });
  if (current?.cancelRequestedAt) return markCanceled(importId);
  const next = nextStage(stage);
  if (!next) return;
  const { count } = await db.projectImport.updateMany({ where: { id: importId, stage, status: "started", cancelRequestedAt: null }, data: { stage: next } });
  if (count !== 1) return;
  forgetContexts(importId, stage);
  try {
    await runStage(importId, next);
  } catch (error) {
    console.error(`[import] starting stage ${next} of import ${importId} failed; queued instead`, error);
    await enqueue(importStageJob, { importId, stage: next });
  }
}

type UnitRow = Prisma.ImportWorkUnitGetPayload<object>;

/**
 * Takes the unit's lease unless a live worker holds it (this process included: a unit never runs
 * twice at once) or it waits before a retry (no owner, `leaseUntil` in the future).
 */
async function claim(unitId: number): Promise<UnitRow | null> {
  const unit = await db.importWorkUnit.findUnique({ where: { id: unitId } });
  if (!unit || unit.done) return null;
  const expired = !unit.leaseUntil || unit.leaseUntil < new Date();
  const free = expired || (unit.leaseOwner !== null && unit.leaseOwner !== WORKER_ID && ownerIsDead(unit.leaseOwner));
  if (!free) return null;
  const leaseUntil = new Date(Date.now() + LEASE_SECONDS * 1000);
  const { count } = await db.importWorkUnit.updateMany({
    where: { id: unitId, done: false, leaseOwner: unit.leaseOwner, leaseUntil: unit.leaseUntil },
    data: { leaseOwner: WORKER_ID, leaseUntil, attempts: { increment: 1 } },
  });
  return count === 1 ? { ...unit, leaseOwner: WORKER_ID, leaseUntil, attempts: unit.attempts + 1 } : null;
}

/** Gives the unit up for a retry after `delaySeconds` (nobody claims it before) and queues that retry. */
async function retryLater(unit: UnitRow, delaySeconds: number): Promise<void> {
  await db.importWorkUnit.updateMany({
    where: { id: unit.id, leaseOwner: WORKER_ID },
    data: { leaseOwner: null, leaseUntil: new Date(Date.now() + delaySeconds * 1000) },
  });
  await enqueue(importUnitJob, { importId: unit.importId, unitId: unit.id }, { startAfterSeconds: delaySeconds });
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
  forgetContexts(importId);
  await db.projectImport.updateMany({
    where: { id: importId, status: { in: [...ACTIVE_STATUSES] } },
    data: { status: "canceled", finishedAt: new Date(), waitingUntil: null },
  });
}

async function failImport(importId: number, message: string): Promise<void> {
  forgetContexts(importId);
  await db.projectImport.updateMany({
    where: { id: importId, status: { in: [...ACTIVE_STATUSES] } },
    data: { status: "failed", error: message, finishedAt: new Date(), waitingUntil: null },
  });
}

function pageNumber(key: string): number {
  return Number(key.split(":")[1] ?? 1);
}

const notesPayload = z.object({ ids: z.array(z.number().int()), done: z.array(z.number().int()).default([]) });
/** Pages created ahead from the first page (`fanOut`) do not chain to the next one, except the last, which continues if the listing grew. */
const pagePayload = z.object({ fanOut: z.boolean().optional(), last: z.boolean().optional() });

function repositoryInfo(ctx: ImportContext): SourceRepository {
  const info = (ctx.row.options as { repository?: SourceRepository } | null)?.repository;
  if (!info) throw new Error("The repository stage did not record the source repository");
  return info;
}

type FollowUp = { stage: Stage; key: string; cursor?: string | null; payload?: Prisma.InputJsonValue };

/** Creates (once) and queues units of the running stage, e.g. the pages after this one, fetched while this one is written. */
async function startUnits(importId: number, stage: Stage, units: ReadonlyArray<{ key: string; cursor: string; payload: Prisma.InputJsonValue }>): Promise<void> {
  if (units.length === 0) return;
  await db.importWorkUnit.createMany({ data: units.map((unit) => ({ importId, stage, ...unit })), skipDuplicates: true });
  const created = await db.importWorkUnit.findMany({
    where: { importId, stage, key: { in: units.map((unit) => unit.key) }, done: false },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  await enqueueUnits(importId, created.map((unit) => unit.id));
}

/**
 * One page of a paged stage. The first page starts every later page at once when the source can
 * tell their cursors; otherwise each page starts the next. A page computed ahead that no longer
 * exists (items deleted meanwhile) is empty, not a failure.
 */
async function fetchListingPage<T>(unit: UnitRow, fetchPage: (cursor: string | null) => Promise<SourcePage<T>>): Promise<SourcePage<T>> {
  const stage = unit.stage as Stage;
  const payload = pagePayload.safeParse(unit.payload).data ?? {};
  let page: SourcePage<T>;
  try {
    page = await fetchPage(unit.cursor);
  } catch (error) {
    if (payload.fanOut && (error as { code?: string } | null)?.code === "not_found") return { items: [], next: null, total: null };
    throw error;
  }
  const number = pageNumber(unit.key);
  const following = page.following ?? [];
  if (following.length > 0 && !payload.fanOut) {
    await startUnits(
      unit.importId,
      stage,
      following.map((cursor, index) => ({ key: `page:${number + 1 + index}`, cursor, payload: { fanOut: true, last: index === following.length - 1 } })),
    );
  } else if (page.next && (!payload.fanOut || payload.last)) {
    await startUnits(unit.importId, stage, [{ key: `page:${number + 1}`, cursor: page.next, payload: {} }]);
  }
  return page;
}

function notesUnits(stage: "pull_request_notes" | "issue_notes", pageKey: string, ids: readonly number[]): FollowUp[] {
  const units: FollowUp[] = [];
  for (let index = 0; index < ids.length; index += NOTES_BATCH) {
    units.push({ stage, key: `${pageKey}:${index / NOTES_BATCH}`, payload: { ids: ids.slice(index, index + NOTES_BATCH), done: [] } });
  }
  return units;
}

/**
 * Marks the unit done and creates its follow-up units (of later stages) in one transaction.
 * Returns the follow-ups still to do: a page's notes units, which may run at once (pipelined).
 */
async function completeUnit(unit: UnitRow, followUps: readonly FollowUp[]): Promise<number[]> {
  await db.$transaction(async (tx) => {
    if (followUps.length) {
      await tx.importWorkUnit.createMany({
        data: followUps.map((followUp) => ({
          importId: unit.importId,
          stage: followUp.stage,
          key: followUp.key,
          cursor: followUp.cursor ?? null,
          payload: followUp.payload ?? {},
        })),
        skipDuplicates: true,
      });
    }
    await tx.importWorkUnit.update({ where: { id: unit.id }, data: { done: true, leaseOwner: null, leaseUntil: null } });
  });
  if (followUps.length === 0) return [];
  const pending = await db.importWorkUnit.findMany({
    where: { importId: unit.importId, stage: followUps[0]!.stage, key: { in: followUps.map((followUp) => followUp.key) }, done: false },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return pending.map((row) => row.id);
}

async function executeUnit(ctx: ImportContext, unit: UnitRow): Promise<FollowUp[]> {
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
        const members = [];
        for (const member of page.items) {
          members.push({ member, data: { accountId: member.accountId, nickname: member.username, displayName: member.displayName, userId: await ctx.mappedUserFor(member) } });
        }
        await db.$transaction(
          members.map(({ member, data }) =>
            db.importSourceUser.upsert({ where: { importId_uuid: { importId: ctx.importId, uuid: member.id } }, create: { importId: ctx.importId, uuid: member.id, ...data }, update: data }),
          ),
        );
        await addProgress(ctx.importId, "user", { imported: page.items.length });
        cursor = page.next;
        await db.importWorkUnit.update({ where: { id: unit.id }, data: { cursor } });
      } while (cursor);
      return [];
    }
    case "pull_requests": {
      const repository = repositoryInfo(ctx);
      const text = await TextConverter.forContext(ctx, repository.webUrl);
      const page = await fetchListingPage(unit, (cursor) => ctx.source.pullRequestsPage(cursor));
      await addProgress(ctx.importId, "pull_request", { total: page.total ?? undefined, fetched: page.items.length });
      const { withComments } = await importPullRequests(ctx, repository, text, page.items);
      return notesUnits("pull_request_notes", unit.key, withComments);
    }
    case "pull_request_notes":
    case "issue_notes": {
      const payload = notesPayload.parse(unit.payload);
      const done = new Set(payload.done);
      const ids = payload.ids.filter((id) => !done.has(id));
      const text = await TextConverter.forContext(ctx, repositoryInfo(ctx).webUrl);
      if (stage === "pull_request_notes") await importPullRequestNotes(ctx, text, ids);
      else await importIssueNotes(ctx, text, ids);
      return [];
    }
    case "issues": {
      const repository = repositoryInfo(ctx);
      if (!repository.hasIssues) {
        await reportIssuesUnavailable(ctx, new SourceFeatureUnavailable("issues", "the repository has no issue tracker"));
        return [];
      }
      const text = await TextConverter.forContext(ctx, repository.webUrl);
      try {
        const page = await fetchListingPage(unit, (cursor) => ctx.source.issuesPage(cursor));
        await addProgress(ctx.importId, "issue", { total: page.total ?? undefined, fetched: page.items.length });
        await importIssues(ctx, text, page.items);
        return notesUnits("issue_notes", unit.key, page.items.map((issue) => issue.id));
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

/** The notes stage whose units a page of this stage creates, and may run before that stage begins. */
const PIPELINED: Partial<Record<Stage, Stage>> = { pull_requests: "pull_request_notes", issues: "issue_notes" };

/**
 * May the unit run now? Units of the import's current stage may; so may a notes unit whose page
 * (of the stage before it) is done: a page's comments are imported while later pages still load.
 * Anything else waits for its stage (e.g. a notes unit whose page a retry runs again).
 */
async function mayRun(unit: UnitRow, importStage: string | null): Promise<boolean> {
  if (unit.stage === importStage) return true;
  const parentStage = (Object.keys(PIPELINED) as Stage[]).find((stage) => PIPELINED[stage] === unit.stage);
  if (!parentStage || parentStage !== importStage) return false;
  const parentKey = unit.key.slice(0, unit.key.lastIndexOf(":"));
  const parent = await db.importWorkUnit.findUnique({
    where: { importId_stage_key: { importId: unit.importId, stage: parentStage, key: parentKey } },
    select: { done: true },
  });
  return parent?.done === true;
}

type UnitRef = { importId: number; unitId: number };

/**
 * A unit a worker slot could take now. First the oldest free unit of any active import's current
 * stage (first in, first out across imports, so hundreds of imports advance side by side and none
 * waits for whole imports ahead of it); else a pipelined notes unit of this import.
 */
async function nextClaimable(importId: number): Promise<UnitRef | null> {
  const [oldest] = await db.$queryRaw<{ id: number; import_id: number }[]>`
    SELECT u.id, u.import_id FROM import_work_units u JOIN project_imports i ON i.id = u.import_id
    WHERE NOT u.done AND (u.lease_until IS NULL OR u.lease_until < now())
      AND i.cancel_requested_at IS NULL AND i.status::text IN ('scheduled', 'started') AND u.stage = i.stage
    ORDER BY u.id LIMIT 1`;
  if (oldest) return { importId: oldest.import_id, unitId: oldest.id };
  const row = await db.projectImport.findUnique({ where: { id: importId }, select: { stage: true, status: true, cancelRequestedAt: true } });
  if (!row || row.cancelRequestedAt || !ACTIVE_STATUSES.includes(row.status as (typeof ACTIVE_STATUSES)[number]) || !row.stage) return null;
  const notesStage = PIPELINED[row.stage as Stage];
  if (!notesStage) return null;
  const free = { OR: [{ leaseUntil: null }, { leaseUntil: { lt: new Date() } }] };
  const candidates = await db.importWorkUnit.findMany({ where: { importId, stage: notesStage, done: false, ...free }, orderBy: { id: "asc" }, take: 20 });
  for (const candidate of candidates) if (await mayRun(candidate, row.stage)) return { importId, unitId: candidate.id };
  return null;
}

/**
 * The unit job: runs its unit, then keeps its worker slot busy with more of the import's work
 * (the page's notes units it just created, then whatever unit is free) instead of waiting for
 * the queue's next poll. Every unit is still claimed with a lease, so nothing runs twice.
 */
export async function runUnits(importId: number, unitId: number): Promise<void> {
  let candidate: UnitRef | null = { importId, unitId };
  for (let ran = 0; candidate !== null && ran < UNITS_PER_JOB; ran++) {
    const current: UnitRef = candidate;
    const outcome = await runUnit(current.importId, current.unitId);
    if (outcome === "stop") return;
    const followUps = Array.isArray(outcome) ? outcome : [];
    // The others go to the queue, so idle worker slots take them at once.
    await enqueueUnits(current.importId, followUps.slice(1));
    candidate = followUps[0] !== undefined ? { importId: current.importId, unitId: followUps[0] } : null;
    // Another worker may claim it first; the loop then looks again.
    candidate ??= await nextClaimable(current.importId);
  }
}

/**
 * Runs one unit if it can be claimed and may run now. Returns its pending follow-up units,
 * "skipped" when it was not run, "stop" when the import ended (canceled, failed).
 */
export async function runUnit(importId: number, unitId: number): Promise<number[] | "skipped" | "stop"> {
  const unit = await claim(unitId);
  if (!unit) return "skipped";
  const heartbeat = setInterval(() => {
    void db.importWorkUnit
      .updateMany({ where: { id: unitId, leaseOwner: WORKER_ID }, data: { leaseUntil: new Date(Date.now() + LEASE_SECONDS * 1000) } })
      .catch(() => undefined);
  }, (LEASE_SECONDS * 1000) / 3);
  const stage = unit.stage as Stage;
  try {
    const ctx = await contextFor(importId, stage);
    if (!ctx || !ACTIVE_STATUSES.includes(ctx.row.status as (typeof ACTIVE_STATUSES)[number])) return "stop";
    if (!(await mayRun(unit, ctx.row.stage))) {
      // Its stage starts it later; give the lease back untouched.
      await db.importWorkUnit.updateMany({ where: { id: unitId, leaseOwner: WORKER_ID }, data: { leaseOwner: null, leaseUntil: null, attempts: { decrement: 1 } } });
      return "skipped";
    }
    await ctx.checkpoint();
    const followUps = await executeUnit(ctx, unit);
    const pending = await completeUnit(unit, followUps);
    if (ctx.row.waitingUntil) {
      await db.projectImport.updateMany({ where: { id: importId, waitingUntil: { lt: new Date() } }, data: { waitingUntil: null } });
    }
    await advance(importId, stage);
    return pending;
  } catch (error) {
    if (error instanceof ImportCanceled) {
      await markCanceled(importId);
      return "stop";
    }
    const retry = unit.attempts < UNIT_ATTEMPTS && !(stage === "repository" && isPermanent(error));
    if (retry) {
      console.warn(`[import] ${stage} unit ${unit.key} of import ${importId} failed (attempt ${unit.attempts}), retrying: ${errorMessage(error)}`);
      await retryLater(unit, Math.min(5 * 2 ** (unit.attempts - 1), 300));
      return "skipped";
    }
    if (stage === "repository") {
      await recordFailure(importId, { stage, objectType: "repository", sourceId: "repository", message: errorMessage(error) });
      await failImport(importId, `The repository could not be imported: ${errorMessage(error)}`);
      return "stop";
    }
    await recordFailure(importId, { stage, objectType: STAGE_OBJECT_TYPE[stage], sourceId: `${stage}:${unit.key}`, message: errorMessage(error) });
    await completeUnit(unit, []);
    await advance(importId, stage);
    return [];
  } finally {
    clearInterval(heartbeat);
  }
}

function isPermanent(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "not_found" || code === "auth_invalid" || code === "remote_not_allowed" || code === "bitbucket_reconnect_required";
}

export async function finishImport(importId: number): Promise<void> {
  forgetContexts(importId);
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
