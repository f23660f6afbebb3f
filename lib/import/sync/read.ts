import { db, type Prisma } from "@/lib/db";
import { FAILURE_SELECT } from "@/lib/projects/import-details";

/** One sync as the Import tab and `/import/syncs` show it: state, what changed per type, its failure ledger. */
const syncSelect = {
  id: true,
  importId: true,
  status: true,
  trigger: true,
  error: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
  counts: { select: { objectType: true, created: true, updated: true, removed: true, failed: true }, orderBy: { objectType: "asc" } },
} satisfies Prisma.ProjectSyncSelect;

export type SyncItem = Prisma.ProjectSyncGetPayload<{ select: typeof syncSelect }>;

const failureSelect = FAILURE_SELECT;

export type SyncFailure = Prisma.ImportFailureGetPayload<{ select: typeof failureSelect }>;

export async function listSyncs(importId: number, range: { skip: number; take: number }): Promise<{ items: SyncItem[]; total: number }> {
  const [items, total] = await Promise.all([
    db.projectSync.findMany({ where: { importId }, select: syncSelect, orderBy: { id: "desc" }, ...range }),
    db.projectSync.count({ where: { importId } }),
  ]);
  return { items, total };
}

export async function findSync(importId: number, syncId: number): Promise<(SyncItem & { failures: SyncFailure[] }) | null> {
  const sync = await db.projectSync.findFirst({ where: { id: syncId, importId }, select: syncSelect });
  if (!sync) return null;
  const failures = await db.importFailure.findMany({ where: { importId, syncId, resolvedAt: null }, select: failureSelect, orderBy: { id: "asc" }, take: 200 });
  return { ...sync, failures };
}

export type SyncOverview = {
  intervalMinutes: number | null;
  nextSyncAt: Date | null;
  cutOverAt: Date | null;
  running: boolean;
  last: SyncItem | null;
};

/** The import's sync settings and its latest sync, for the Import tab. */
export async function syncOverview(importId: number): Promise<SyncOverview> {
  const row = await db.projectImport.findUniqueOrThrow({ where: { id: importId }, select: { syncIntervalMinutes: true, nextSyncAt: true, cutOverAt: true, activeSyncId: true } });
  const last = await db.projectSync.findFirst({ where: { importId }, select: syncSelect, orderBy: { id: "desc" } });
  return { intervalMinutes: row.syncIntervalMinutes, nextSyncAt: row.nextSyncAt, cutOverAt: row.cutOverAt, running: row.activeSyncId !== null, last };
}
