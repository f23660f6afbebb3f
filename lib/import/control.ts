import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/jobs";
import { actorById, requireImportManager } from "@/lib/projects/access";
import { importStageJob } from "./pipeline/runner";
import { STAGES, isStage, type Stage } from "./pipeline/stages";

async function requireManageableImport(userId: string, importId: number) {
  const actor = await actorById(userId);
  if (!actor) throw new AppError("not_found", "Import not found.", { status: 404 });
  return requireImportManager(actor, importId);
}

/** Requests cancellation; the pipeline stops at its next checkpoint, between items. */
export async function cancelImport(userId: string, importId: number): Promise<void> {
  const row = await requireManageableImport(userId, importId);
  if (row.status !== "scheduled" && row.status !== "started") {
    throw new AppError("import_not_running", "Only a pending or running import can be cancelled.", { status: 409 });
  }
  await db.projectImport.update({ where: { id: importId }, data: { cancelRequestedAt: new Date() } });
  // A scheduled import whose first job has not started yet ends at once.
  await db.projectImport.updateMany({ where: { id: importId, status: "scheduled" }, data: { status: "canceled", finishedAt: new Date() } });
}

const STAGE_OBJECT_TYPES: Record<Stage, string[]> = {
  repository: ["repository", "wiki", "label", "milestone"],
  users: ["user"],
  pull_requests: ["pull_request", "approval"],
  pull_request_notes: ["pull_request_note"],
  issues: ["issue"],
  issue_notes: ["issue_note"],
  lfs_objects: ["lfs_object"],
  finish: [],
};

/**
 * Re-runs the stages that have unresolved failures, from the earliest one on. Imported rows are
 * keyed by their source ids, so items that succeeded before are kept as they are, never duplicated; each
 * ledger row is resolved when its item imports.
 */
export async function retryFailedItems(userId: string, importId: number): Promise<void> {
  const row = await requireManageableImport(userId, importId);
  if (row.status === "scheduled" || row.status === "started") {
    throw new AppError("import_running", "Wait for the import to end before retrying failed items.", { status: 409 });
  }
  const failures = await db.importFailure.findMany({ where: { importId, resolvedAt: null }, select: { stage: true } });
  const stages = failures.map((failure) => failure.stage).filter(isStage);
  if (stages.length === 0) throw new AppError("nothing_to_retry", "This import has no failed items to retry.", { status: 409 });
  const first: Stage = STAGES.find((stage) => stages.includes(stage))!;
  const rerun = STAGES.slice(STAGES.indexOf(first));
  await db.$transaction(async (tx) => {
    await tx.importWorkUnit.updateMany({ where: { importId, stage: { in: [...rerun] } }, data: { done: false, leaseOwner: null, leaseUntil: null } });
    const noteUnits = await tx.importWorkUnit.findMany({ where: { importId, stage: { in: ["pull_request_notes", "issue_notes"] } } });
    for (const unit of noteUnits) {
      const payload = unit.payload as { ids?: number[] };
      await tx.importWorkUnit.update({ where: { id: unit.id }, data: { payload: { ids: payload.ids ?? [], done: [] } } });
    }
    // Paged stages restart from their first page; later pages are recreated as the walk proceeds.
    await tx.importWorkUnit.deleteMany({ where: { importId, stage: { in: ["pull_requests", "issues"] }, NOT: { key: "page:1" } } });
    await tx.importWorkUnit.updateMany({ where: { importId, stage: { in: ["pull_requests", "issues", "users"] } }, data: { cursor: null } });
    // Counters of the re-run stages are rebuilt by the re-run itself.
    await tx.importProgress.deleteMany({ where: { importId, objectType: { in: rerun.flatMap((stage) => STAGE_OBJECT_TYPES[stage]) } } });
    await tx.projectImport.update({
      where: { id: importId },
      data: { status: "started", stage: first, cancelRequestedAt: null, finishedAt: null, error: null },
    });
  });
  await enqueue(importStageJob, { importId, stage: first });
}
