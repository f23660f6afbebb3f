import { db } from "@/lib/db";
import { ACTIVE_IMPORT_STATUSES } from "@/lib/import/status-vocabulary";
import { defineStage } from "./types";

/** Ends the import: finished, or partial while the failure ledger has unresolved items. */
export const finishStage = defineStage({
  name: "finish",
  label: "finishing",
  objectTypes: [],
  firstUnit: "finish",
  async run(ctx) {
    const unresolved = await db.importFailure.count({ where: { importId: ctx.importId, resolvedAt: null } });
    await db.projectImport.updateMany({
      where: { id: ctx.importId, status: { in: [...ACTIVE_IMPORT_STATUSES] } },
      data: { status: unresolved > 0 ? "partial" : "finished", finishedAt: new Date(), waitingUntil: null, stage: "finish" },
    });
    return [];
  },
});
