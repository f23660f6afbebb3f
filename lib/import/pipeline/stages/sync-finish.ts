import { db } from "@/lib/db";
import { releaseImport } from "@/lib/import/sync/records";
import { planNextSync } from "@/lib/import/sync/schedule";
import { activeSync } from "./sync-paging";
import { defineStage } from "./types";

/** Ends the sync: finished, or partial while its failure ledger has unresolved items; the next scheduled sync is planned. */
export const syncFinishStage = defineStage({
  name: "sync_finish",
  label: "finishing the sync",
  objectTypes: [],
  firstUnit: "finish",
  async run(ctx) {
    const syncId = activeSync(ctx);
    const unresolved = await db.importFailure.count({ where: { importId: ctx.importId, syncId, resolvedAt: null } });
    await db.$transaction(async (tx) => {
      const sync = await tx.projectSync.update({ where: { id: syncId }, data: { status: unresolved > 0 ? "partial" : "finished", finishedAt: new Date() } });
      await releaseImport(tx, ctx.importId, sync.importStatus);
    });
    await planNextSync(ctx.importId);
    return [];
  },
});
