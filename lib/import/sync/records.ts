import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import type { ImportStatus } from "@/lib/db";
import { planNextSync } from "./schedule";

/** What a sync counts per object type. */
export type SyncObjectType = "branch" | "tag" | "pull_request" | "pull_request_note" | "approval" | "issue" | "issue_note" | "lfs_object" | "label" | "milestone" | "release" | "collaborator" | "protected_branch";
export type SyncCounts = { created?: number; updated?: number; removed?: number; failed?: number };

export async function addSyncCounts(syncId: number, objectType: SyncObjectType, counts: SyncCounts): Promise<void> {
  const values = { created: counts.created ?? 0, updated: counts.updated ?? 0, removed: counts.removed ?? 0, failed: counts.failed ?? 0 };
  if (!values.created && !values.updated && !values.removed && !values.failed) return;
  await db.projectSyncCount.upsert({
    where: { syncId_objectType: { syncId, objectType } },
    create: { syncId, objectType, ...values },
    update: {
      created: { increment: values.created },
      updated: { increment: values.updated },
      removed: { increment: values.removed },
      failed: { increment: values.failed },
    },
  });
}

/**
 * How far a listing was read: the last update time written, and the ids written with exactly
 * that time (the next page asks for updates at or after it and leaves those out).
 */
export const watermarkSchema = z.object({ since: z.string(), seen: z.array(z.number().int()).default([]) });
export type Watermark = z.infer<typeof watermarkSchema>;
/** Bitbucket: pull requests and issues; GitHub: its one listing of issues and pull requests (`item`), comments, review comments and events. */
export type WatermarkType = "pull_request" | "issue" | "item" | "issue_comment" | "review_comment" | "event";

/** Before the first sync, listings are read from a little before the import started (the source's clock may differ from ours). */
const FIRST_SYNC_MARGIN_MS = 5 * 60_000;

export function initialWatermark(importStartedAt: Date | null, importCreatedAt: Date): Watermark {
  return { since: new Date((importStartedAt ?? importCreatedAt).getTime() - FIRST_SYNC_MARGIN_MS).toISOString(), seen: [] };
}

export function watermarkOf(row: { syncWatermarks: Prisma.JsonValue; startedAt: Date | null; createdAt: Date }, type: WatermarkType): Watermark {
  const stored = (row.syncWatermarks as Record<string, unknown> | null)?.[type];
  const parsed = watermarkSchema.safeParse(stored);
  return parsed.success ? parsed.data : initialWatermark(row.startedAt, row.createdAt);
}

export async function readWatermark(importId: number, type: WatermarkType): Promise<Watermark> {
  const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId }, select: { syncWatermarks: true, startedAt: true, createdAt: true } });
  return watermarkOf(row, type);
}

/** Moves one type's watermark (one statement: other types' watermarks, moved by other units meanwhile, are kept). */
export async function moveWatermark(importId: number, type: WatermarkType, watermark: Watermark): Promise<void> {
  await db.$executeRaw`UPDATE project_imports SET sync_watermarks = jsonb_set(sync_watermarks, ${[type]}::text[], ${JSON.stringify(watermark)}::jsonb) WHERE id = ${importId}`;
}

/** The watermark after a page of items written in update order: the last update, and the ids written with it. */
export function advanceWatermark(previous: Watermark, items: ReadonlyArray<{ id: number; updatedAt: string }>): Watermark {
  const last = items.at(-1);
  if (!last) return previous;
  const at = Date.parse(last.updatedAt);
  const seen = items.filter((item) => Date.parse(item.updatedAt) === at).map((item) => item.id);
  if (at === Date.parse(previous.since)) seen.push(...previous.seen);
  return { since: last.updatedAt, seen: [...new Set(seen)] };
}

/** The items of a page not written yet: those updated at exactly the watermark and already seen are left out. */
export function unseen<T extends { id: number; updatedAt: string }>(watermark: Watermark, items: readonly T[]): T[] {
  const at = Date.parse(watermark.since);
  const seen = new Set(watermark.seen);
  return items.filter((item) => !(Date.parse(item.updatedAt) <= at && seen.has(item.id)));
}

/**
 * Ends the import's active sync as canceled or failed and gives the import back its own status.
 * Returns false when no sync is active (the import itself was running).
 */
export async function endActiveSync(importId: number, status: Extract<ImportStatus, "canceled" | "failed">, error: string | null = null): Promise<boolean> {
  const ended = await db.$transaction(async (tx) => {
    const row = await tx.projectImport.findUnique({ where: { id: importId }, select: { activeSyncId: true } });
    if (!row?.activeSyncId) return false;
    const sync = await tx.projectSync.update({ where: { id: row.activeSyncId }, data: { status, error, finishedAt: new Date() } });
    await releaseImport(tx, importId, sync.importStatus);
    return true;
  });
  // Keep in sync goes on after a canceled or failed sync: the next one continues from the watermarks.
  if (ended) await planNextSync(importId);
  return ended;
}

/** The import row after its sync: its own status back, no sync stage, no cancel request. */
export async function releaseImport(tx: Prisma.TransactionClient, importId: number, status: ImportStatus): Promise<void> {
  await tx.projectImport.update({ where: { id: importId }, data: { status, stage: "finish", activeSyncId: null, cancelRequestedAt: null, waitingUntil: null } });
}
