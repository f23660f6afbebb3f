import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { actorById, requireImportManager } from "@/lib/projects/access";
import { reopenUnits, scheduleStage } from "./pipeline/scheduler";
import { stagesOf } from "./pipeline/stages";
import { isActiveImportStatus } from "./status-vocabulary";

async function requireManageableImport(userId: string, importId: number) {
  const actor = await actorById(userId);
  if (!actor) throw new AppError("not_found", "Import not found.");
  return requireImportManager(actor, importId);
}

/** Requests cancellation; the pipeline stops at its next checkpoint, between items. */
export async function cancelImport(userId: string, importId: number): Promise<void> {
  const row = await requireManageableImport(userId, importId);
  if (!isActiveImportStatus(row.status)) {
    throw new AppError("import_not_running", "Only a pending or running import can be cancelled.");
  }
  await db.projectImport.update({ where: { id: importId }, data: { cancelRequestedAt: new Date() } });
  // A scheduled import whose first job has not started yet ends at once, and so does one whose
  // units wait for the source's rate limit to reset (their jobs end without running).
  await db.projectImport.updateMany({
    where: { id: importId, OR: [{ status: "scheduled" }, { status: "started", waitingUntil: { gt: new Date() } }] },
    data: { status: "canceled", finishedAt: new Date(), waitingUntil: null },
  });
}

/**
 * Re-runs the stages that have unresolved failures, from the earliest one on. Imported rows are
 * keyed by their source ids, so items that succeeded before are kept as they are, never duplicated; each
 * ledger row is resolved when its item imports.
 */
export async function retryFailedItems(userId: string, importId: number): Promise<void> {
  const row = await requireManageableImport(userId, importId);
  if (isActiveImportStatus(row.status)) {
    throw new AppError("import_running", "Wait for the import to end before retrying failed items.");
  }
  const failures = await db.importFailure.findMany({ where: { importId, resolvedAt: null }, select: { stage: true } });
  const failedStages = new Set(failures.map((failure) => failure.stage));
  const stages = stagesOf(row.source);
  const firstIndex = stages.findIndex((stage) => failedStages.has(stage.name));
  if (firstIndex < 0) throw new AppError("nothing_to_retry", "This import has no failed items to retry.");
  const rerun = stages.slice(firstIndex);
  const first = rerun[0]!.name;
  await db.$transaction(async (tx) => {
    await reopenUnits(tx, importId, rerun.map((stage) => stage.name));
    for (const stage of rerun) await stage.resetForRerun?.(tx, importId);
    // Counters of the re-run stages are rebuilt by the re-run itself.
    await tx.importProgress.deleteMany({ where: { importId, objectType: { in: rerun.flatMap((stage) => [...stage.objectTypes]) } } });
    await tx.projectImport.update({
      where: { id: importId },
      data: { status: "started", stage: first, cancelRequestedAt: null, finishedAt: null, error: null },
    });
  });
  await scheduleStage(importId, first);
}
