import { db, type ImportStatus } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ImportContext } from "@/lib/import/pipeline/context";
import { reopenUnits, scheduleStage } from "@/lib/import/pipeline/scheduler";
import { SYNC_STAGES } from "@/lib/import/pipeline/stages";
import { canSync, SourceFeatureUnavailable, type SourcePage } from "@/lib/import/sources/types";
import { isActiveImportStatus } from "@/lib/import/status-vocabulary";
import { actorById, requireImportManager } from "@/lib/projects/access";
import { syncAvailableFor, syncUnavailableMessage } from "./availability";
import { unseen, watermarkOf, type Watermark } from "./records";
import { DEFAULT_SYNC_INTERVAL_MINUTES, planNextSync } from "./schedule";

/** Import states a sync may start from: the import ended with its data in place. */
const SYNCABLE: readonly ImportStatus[] = ["finished", "partial"];

/** The import, if the user may manage it (and so its syncs): 404/403 as lib/projects/access.ts decides. */
export async function requireSyncManager(userId: string, importId: number) {
  const actor = await actorById(userId);
  if (!actor) throw new AppError("not_found", "Import not found.");
  return requireImportManager(actor, importId);
}

/** Refuses, before anything is read from the source or written, an import whose source cannot sync. */
async function requireSyncableSource(importId: number): Promise<void> {
  const row = await db.projectImport.findUnique({ where: { id: importId }, select: { source: true } });
  if (!row) throw new AppError("not_found", "Import not found.");
  assertSyncAvailable(row.source);
}

function assertSyncAvailable(source: string): void {
  if (!syncAvailableFor(source) || !SYNC_STAGES[source as keyof typeof SYNC_STAGES]) throw new AppError("sync_not_available", syncUnavailableMessage(source));
}

/**
 * Starts a sync of the import with its source: the import's pipeline runs the sync stages (one
 * pg-boss job per unit, resumable and cancellable like the import), and its own status comes back
 * when the sync ends. `userId` null: the schedule started it (the rights were checked when it was set).
 */
export async function startSync(importId: number, options: { trigger: "manual" | "api" | "schedule"; userId: string | null }): Promise<{ id: number }> {
  if (options.userId) await requireSyncManager(options.userId, importId);
  await requireSyncableSource(importId);
  const { syncId, firstStage } = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM project_imports WHERE id = ${importId} FOR UPDATE`;
    if (rows.length === 0) throw new AppError("not_found", "Import not found.");
    const row = await tx.projectImport.findUniqueOrThrow({ where: { id: importId }, select: { status: true, source: true, cutOverAt: true, activeSyncId: true } });
    if (row.cutOverAt) throw new AppError("sync_cut_over", "This project was cut over from its source; it is no longer synced.");
    if (row.activeSyncId || isActiveImportStatus(row.status)) throw new AppError("import_running", "Wait for the running import or sync to end.");
    if (!SYNCABLE.includes(row.status)) throw new AppError("sync_not_available", "Only an import that finished (completely or partially) can be synced; continue the import first.");
    assertSyncAvailable(row.source);
    const sync = await tx.projectSync.create({ data: { importId, status: "started", trigger: options.trigger, userId: options.userId, importStatus: row.status, startedAt: new Date() } });
    const stages = SYNC_STAGES[row.source as keyof typeof SYNC_STAGES].map((stage) => stage.name);
    // The previous sync's units make way for this one's.
    await tx.importWorkUnit.deleteMany({ where: { importId, stage: { in: stages } } });
    await reopenUnits(tx, importId);
    await tx.projectImport.update({ where: { id: importId }, data: { status: "started", stage: stages[0], activeSyncId: sync.id, cancelRequestedAt: null, waitingUntil: null } });
    return { syncId: sync.id, firstStage: stages[0]! };
  });
  await scheduleStage(importId, firstStage);
  return { id: syncId };
}

/** Keep in sync every `intervalMinutes` until cut over; null turns the schedule off. */
export async function setSyncSchedule(userId: string, importId: number, intervalMinutes: number | null): Promise<{ intervalMinutes: number | null; nextSyncAt: Date | null }> {
  await requireSyncManager(userId, importId);
  if (intervalMinutes !== null) await requireSyncableSource(importId);
  const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId }, select: { cutOverAt: true } });
  if (intervalMinutes !== null && row.cutOverAt) throw new AppError("sync_cut_over", "This project was cut over from its source; it is no longer synced.");
  await db.projectImport.update({ where: { id: importId }, data: { syncIntervalMinutes: intervalMinutes, nextSyncAt: null } });
  const nextSyncAt = intervalMinutes === null ? null : await planNextSync(importId);
  return { intervalMinutes, nextSyncAt };
}

export { DEFAULT_SYNC_INTERVAL_MINUTES };

/** Cut over: syncing stops for good (a running sync finishes) and the time is recorded. */
export async function cutOver(userId: string, importId: number): Promise<Date> {
  await requireSyncManager(userId, importId);
  const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId }, select: { cutOverAt: true } });
  if (row.cutOverAt) return row.cutOverAt;
  const at = new Date();
  await db.projectImport.update({ where: { id: importId }, data: { cutOverAt: at, syncIntervalMinutes: null, nextSyncAt: null } });
  return at;
}

const NONE = { created: 0, updated: 0 } as const;

export type SyncPreview = {
  pullRequests: { created: number; updated: number };
  issues: { created: number; updated: number } | null;
  /** Why issues are not counted (the source no longer serves them, they came from an archive...). */
  issuesNote: string | null;
};

/**
 * How many items a listing filtered by update time would bring, walking it as a sync would,
 * without writing; `kindOf` sorts the items of a listing that holds two kinds.
 */
async function countSince<T extends { id: number; updatedAt: string }, K extends string = "all">(
  watermark: Watermark,
  fetchPage: (since: string) => Promise<SourcePage<T>>,
  known: (ids: number[]) => Promise<Set<number>>,
  kindOf: (id: number) => K = () => "all" as K,
): Promise<Record<K, { created: number; updated: number }>> {
  let current = watermark;
  const counts = {} as Record<K, { created: number; updated: number }>;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await fetchPage(current.since);
    const items = unseen(current, page.items);
    const present = await known(items.map((item) => item.id));
    for (const item of items) {
      const kind = kindOf(item.id);
      counts[kind] ??= { created: 0, updated: 0 };
      counts[kind][present.has(item.id) ? "updated" : "created"]++;
    }
    const last = items.at(-1);
    if (!page.next || !last) break;
    current = { since: last.updatedAt, seen: items.filter((item) => item.updatedAt === last.updatedAt).map((item) => item.id) };
  }
  return counts;
}

/** GitHub lists issues and pull requests together: one walk of that listing counts both. */
async function previewGitHubSync(ctx: ImportContext): Promise<SyncPreview> {
  const projectId = ctx.project.id;
  const kinds = new Map<number, "pull" | "issue">();
  const counts = await countSince(watermarkOf(ctx.row, "item"), async (since) => {
    const page = await ctx.github.itemsUpdatedSince(since);
    for (const item of page.items) kinds.set(item.number, item.pull_request ? "pull" : "issue");
    return { items: page.items.map((item) => ({ id: item.number, updatedAt: item.updated_at })), next: page.next, total: null };
  }, async (ids) => {
    const where = { projectId, iid: { in: ids } };
    const [mergeRequests, issues] = await Promise.all([db.mergeRequest.findMany({ where, select: { iid: true } }), db.issue.findMany({ where, select: { iid: true } })]);
    return new Set([...mergeRequests, ...issues].map((row) => row.iid));
  }, (id) => kinds.get(id) ?? "issue");
  return { pullRequests: counts.pull ?? NONE, issues: counts.issue ?? NONE, issuesNote: null };
}

/** What a sync would bring now: counts per type from the source's listings filtered by update time. Writes nothing. */
export async function previewSync(userId: string, importId: number): Promise<SyncPreview> {
  await requireSyncManager(userId, importId);
  await requireSyncableSource(importId);
  const ctx = await ImportContext.load(importId);
  if (!ctx) throw new AppError("not_found", "Import not found.");
  if (ctx.row.source === "github") return previewGitHubSync(ctx);
  const source = ctx.source;
  if (!canSync(source)) throw new AppError("sync_not_available", syncUnavailableMessage(ctx.row.source));
  const row = ctx.row;
  const projectId = ctx.project.id;
  const pullRequests = (
    await countSince(watermarkOf(row, "pull_request"), (since) => source.pullRequestsUpdatedSince(since), async (ids) =>
      new Set((await db.mergeRequest.findMany({ where: { projectId, iid: { in: ids } }, select: { iid: true } })).map((mr) => mr.iid)),
    )
  ).all ?? NONE;
  let issues: SyncPreview["issues"] = null;
  let issuesNote: string | null = null;
  const { issuesCameFromArchive } = await import("./issues");
  if (!ctx.sourceRepository().hasIssues) issuesNote = "The repository has no issue tracker.";
  else if (await issuesCameFromArchive(projectId)) issuesNote = "Issues came from an export archive: syncs leave them as they are.";
  else {
    try {
      issues =
        (
          await countSince(watermarkOf(row, "issue"), (since) => source.issuesUpdatedSince(since), async (ids) =>
            new Set((await db.issue.findMany({ where: { projectId, iid: { in: ids } }, select: { iid: true } })).map((issue) => issue.iid)),
          )
        ).all ?? NONE;
    } catch (error) {
      if (!(error instanceof SourceFeatureUnavailable)) throw error;
      issuesNote = `Issues are left as they are: ${error.message}.`;
    }
  }
  return { pullRequests, issues, issuesNote };
}
