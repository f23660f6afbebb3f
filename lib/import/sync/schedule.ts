import { z } from "zod";
import { db } from "@/lib/db";
import { defineJob, enqueue } from "@/lib/jobs";

/**
 * Keep in sync: after each sync (and when the schedule is set) the next one is one pg-boss job
 * delayed by the interval, keyed by the import and its due time, so sending it twice queues one.
 * SYNC_MINUTE_MS shortens a "minute" of the interval for tests and demos (default 60,000).
 */
export const DEFAULT_SYNC_INTERVAL_MINUTES = 15;

function minuteMs(): number {
  const value = Number(process.env.SYNC_MINUTE_MS ?? 60_000);
  return Number.isFinite(value) && value > 0 ? value : 60_000;
}

const scheduledSyncPayload = z.object({ importId: z.number().int().positive(), at: z.string() });

export const scheduledSyncJob = defineJob({
  name: "import-sync-scheduled",
  schema: scheduledSyncPayload,
  retryLimit: 3,
  handler: async ({ importId, at }) => {
    const row = await db.projectImport.findUnique({ where: { id: importId }, select: { nextSyncAt: true, syncIntervalMinutes: true, cutOverAt: true, activeSyncId: true, userId: true } });
    if (!row?.nextSyncAt || row.nextSyncAt.toISOString() !== at || !row.syncIntervalMinutes || row.cutOverAt) return;
    const { startSync } = await import("./control");
    try {
      if (row.activeSyncId) throw new Error("a sync is still running");
      // The sync plans the next one when it ends.
      await startSync(importId, { trigger: "schedule", userId: null });
    } catch (error) {
      // A sync still running, or an import that cannot be synced now: tried again after another interval.
      console.warn(`[sync] scheduled sync of import ${importId} did not start: ${error instanceof Error ? error.message : String(error)}`);
      await planNextSync(importId);
    }
  },
  resume: async () => {
    const due = await db.projectImport.findMany({ where: { nextSyncAt: { not: null }, cutOverAt: null }, select: { id: true, nextSyncAt: true } });
    for (const row of due) await queueScheduledSync(row.id, row.nextSyncAt!);
    return due.length;
  },
});

async function queueScheduledSync(importId: number, at: Date): Promise<void> {
  const at_ = at.toISOString();
  await enqueue(scheduledSyncJob, { importId, at: at_ }, { key: `import-sync:${importId}:${at_}`, startAfterSeconds: Math.max(0, (at.getTime() - Date.now()) / 1000) });
}

/** Plans the import's next scheduled sync one interval from now (nothing when it has no schedule or was cut over). */
export async function planNextSync(importId: number): Promise<Date | null> {
  const row = await db.projectImport.findUnique({ where: { id: importId }, select: { syncIntervalMinutes: true, cutOverAt: true } });
  if (!row?.syncIntervalMinutes || row.cutOverAt) return null;
  const at = new Date(Date.now() + row.syncIntervalMinutes * minuteMs());
  await db.projectImport.update({ where: { id: importId }, data: { nextSyncAt: at } });
  await queueScheduledSync(importId, at);
  return at;
}
