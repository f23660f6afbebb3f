import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import type { ImportStatus } from "@/lib/generated/prisma/enums";
import { manageableImportsSql, readableProjectsSql } from "@/lib/projects/access";
import { stageCountedType, stageLabel, stageOf, stagesOf } from "./pipeline/stages";
import { isActiveImportStatus } from "./status-vocabulary";

/**
 * What the repository picker shows for each row: the latest import of a source repository
 * into a project the user can see. Everything here is plain JSON, sent to the browser as is.
 */
export type RowImportStatus = {
  /** The source repository, "workspace/slug" or "owner/name". */
  repository: string;
  importId: number;
  projectId: number;
  /** Where it was (last) imported to. */
  projectFullPath: string;
  status: ImportStatus;
  /** The stage running (or last run), e.g. "pull requests"; null before the first stage. */
  stage: string | null;
  /** Items handled in the current stage; total is null while unknown. Only while importing. */
  counts: { done: number; total: number | null } | null;
  /** Overall progress, 0–100. */
  percent: number;
  /** ISO time the import waits for the source's rate limit until, while it does. */
  waitingUntil: string | null;
  /** Items in the failure ledger that are still unresolved. */
  failedCount: number;
  /** Why the import failed. */
  error: string | null;
  /** Set when the project did not land where asked (a taken namespace). */
  warning: string | null;
  cancelRequested: boolean;
  /** Whether this user may cancel it (manageableImportsSql: a Maintainer of the project, an admin, the importer while they may still import there). */
  canManage: boolean;
};

type LatestImportRow = {
  repository: string;
  projectId: number;
  projectFullPath: string;
  warning: string | null;
  importId: number;
  source: string;
  status: ImportStatus;
  stage: string | null;
  error: string | null;
  waitingUntil: Date | null;
  cancelRequested: boolean;
  canManage: boolean;
};

/** At most this many repositories per lookup (one listing page of every workspace fits). */
export const STATUS_LOOKUP_LIMIT = 10_000;

/**
 * The latest import of each repository of one source (the project's import type: `bitbucket`,
 * `github`) into a project the user can read (readableProjectsSql). Repositories never imported
 * (as far as the user can see) are absent from the result.
 */
export async function importStatusesFor(user: SessionUser, repositories: readonly string[], importType = "bitbucket"): Promise<Record<string, RowImportStatus>> {
  const names = [...new Set(repositories)].slice(0, STATUS_LOOKUP_LIMIT);
  if (names.length === 0) return {};
  const rows = await db.$queryRaw<LatestImportRow[]>`
    SELECT DISTINCT ON (p.import_source)
      p.import_source AS repository,
      p.id AS "projectId",
      p.full_path AS "projectFullPath",
      p.import_warning AS warning,
      i.id AS "importId",
      i.source,
      i.status::text AS status,
      i.stage,
      i.error,
      i.waiting_until AS "waitingUntil",
      (i.cancel_requested_at IS NOT NULL) AS "cancelRequested",
      ${manageableImportsSql(user, "i", "p")} AS "canManage"
    FROM projects p
    JOIN project_imports i ON i.project_id = p.id
    WHERE p.import_type = ${importType}
      AND p.import_source = ANY(${names}::text[])
      AND ${readableProjectsSql(user, "p")}
    ORDER BY p.import_source, i.created_at DESC, i.id DESC`;
  if (rows.length === 0) return {};

  const importIds = rows.map((row) => row.importId);
  const activeIds = rows.filter((row) => isActiveImportStatus(row.status)).map((row) => row.importId);
  const [failures, progress] = await Promise.all([
    db.importFailure.groupBy({ by: ["importId"], where: { importId: { in: importIds }, resolvedAt: null }, _count: { _all: true } }),
    activeIds.length > 0 ? db.importProgress.findMany({ where: { importId: { in: activeIds } } }) : Promise.resolve([]),
  ]);
  const failedByImport = new Map(failures.map((entry) => [entry.importId, entry._count._all]));
  const progressByImport = new Map<number, Map<string, (typeof progress)[number]>>();
  for (const entry of progress) {
    const forImport = progressByImport.get(entry.importId) ?? new Map();
    forImport.set(entry.objectType, entry);
    progressByImport.set(entry.importId, forImport);
  }

  const result: Record<string, RowImportStatus> = {};
  for (const row of rows) {
    const stage = stageOf(row.source, row.stage)?.name ?? null;
    const objectType = stage ? stageCountedType(stage) : undefined;
    const entry = objectType ? progressByImport.get(row.importId)?.get(objectType) : undefined;
    const counts = row.status === "started" && entry ? { done: entry.imported + entry.failed + entry.skipped, total: entry.total } : null;
    const waiting = row.waitingUntil && row.waitingUntil.getTime() > Date.now() && isActiveImportStatus(row.status) ? row.waitingUntil : null;
    result[row.repository] = {
      repository: row.repository,
      importId: row.importId,
      projectId: row.projectId,
      projectFullPath: row.projectFullPath,
      status: row.status,
      stage: stage ? stageLabel(stage) : row.stage,
      counts,
      percent: overallPercent(row.status, stage, counts, stagesOf(row.source).map((entry) => entry.name)),
      waitingUntil: waiting ? waiting.toISOString() : null,
      failedCount: failedByImport.get(row.importId) ?? 0,
      error: row.status === "failed" ? (row.error ?? "The import failed.") : null,
      warning: row.warning,
      cancelRequested: row.cancelRequested,
      canManage: row.canManage,
    };
  }
  return result;
}

/** Each of the source's stages is an equal share of the bar; within a stage, its counts fill the share when the total is known. */
export function overallPercent(status: ImportStatus, stage: string | null, counts: { done: number; total: number | null } | null, stages: readonly string[]): number {
  if (status === "finished" || status === "partial") return 100;
  if (status === "scheduled" || !stage) return 0;
  const within = counts && counts.total ? Math.min(1, counts.done / counts.total) : 0;
  const percent = ((stages.indexOf(stage) + within) / (stages.length - 1)) * 100;
  return Math.max(1, Math.min(99, Math.round(percent)));
}

export type BatchSummary = Record<"total" | ImportStatus, number>;

/** Status counts of a set of imports the user started (an "Import all"); imports of others are not counted. */
export async function batchSummary(user: SessionUser, importIds: readonly number[]): Promise<BatchSummary> {
  const summary: BatchSummary = { total: 0, scheduled: 0, started: 0, finished: 0, partial: 0, failed: 0, canceled: 0 };
  if (importIds.length === 0) return summary;
  const groups = await db.projectImport.groupBy({
    by: ["status"],
    where: { id: { in: [...importIds] }, userId: user.id },
    _count: { _all: true },
  });
  for (const group of groups) {
    summary[group.status] = group._count._all;
    summary.total += group._count._all;
  }
  return summary;
}
