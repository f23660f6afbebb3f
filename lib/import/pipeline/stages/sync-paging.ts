import { z } from "zod";
import { db } from "@/lib/db";
import type { ImportContext } from "@/lib/import/pipeline/context";
import { addMessage } from "@/lib/import/pipeline/records";
import type { SourceActivity, SourcePage } from "@/lib/import/sources/types";
import { advanceWatermark, moveWatermark, readWatermark, unseen, type WatermarkType } from "@/lib/import/sync/records";
import type { UnitScheduler, WorkUnit } from "./types";

/** The sync a unit belongs to (the import's active sync). */
export function activeSync(ctx: ImportContext): number {
  const syncId = ctx.row.activeSyncId;
  if (!syncId) throw new Error("A sync stage ran without an active sync");
  return syncId;
}

/**
 * One page of a listing filtered by update time: the items updated at or after the type's
 * watermark, oldest update first, are written, then the watermark moves to the last of them; a
 * full page starts the next unit, which asks again from there. A crash before the watermark
 * moves writes the page again (rows are keyed by source id), never skips it.
 */
export async function syncListingPage<T extends { id: number; updatedAt: string }>(
  ctx: ImportContext,
  unit: WorkUnit,
  scheduler: UnitScheduler,
  type: WatermarkType,
  fetchPage: (since: string) => Promise<SourcePage<T>>,
  write: (items: T[]) => Promise<void>,
): Promise<void> {
  const watermark = await readWatermark(ctx.importId, type);
  const page = await fetchPage(watermark.since);
  const items = unseen(watermark, page.items);
  await write(items);
  await moveWatermark(ctx.importId, type, advanceWatermark(watermark, items));
  if (!page.next) return;
  if (items.length === 0) {
    await addMessage(ctx.importId, "warning", `sync_${type}_stalled`, `More items than one page share the update time ${watermark.since}; the rest are read by the next sync.`);
    return;
  }
  const number = Number(unit.key.split(":")[1] ?? 1);
  await scheduler.startUnits([{ key: `page:${number + 1}`, cursor: null, payload: {} }]);
}

export const ACTIVITY_STAGE = "sync_activity";
export const ACTIVITY_UNIT = "activity";
const activityPayload = z.object({ entries: z.array(z.custom<SourceActivity>()).nullable().default(null) });

/** The activity entries the activity stage collected, by pull request; null when the source has no activity feed. */
export async function collectedActivity(importId: number): Promise<Map<number, SourceActivity[]> | null> {
  const unit = await db.importWorkUnit.findUnique({ where: { importId_stage_key: { importId, stage: ACTIVITY_STAGE, key: ACTIVITY_UNIT } }, select: { payload: true } });
  const entries = activityPayload.safeParse(unit?.payload ?? {}).data?.entries ?? null;
  if (!entries) return null;
  const byPullRequest = new Map<number, SourceActivity[]>();
  for (const entry of entries) byPullRequest.set(entry.pullRequestId, [...(byPullRequest.get(entry.pullRequestId) ?? []), entry]);
  return byPullRequest;
}
