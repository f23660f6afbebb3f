import type { ImportStatus } from "@/lib/generated/prisma/enums";
import type { ImportDetails } from "@/lib/projects/import-details";
import { isoDate } from "./users";

/**
 * Import states as GitLab names them (`import_status`), plus Ferry's `partial`: the import ended
 * and some items are in the failure ledger (`failed_relations`).
 */
export const HUMAN_IMPORT_STATUS: Record<ImportStatus | "none", string> = {
  none: "none",
  scheduled: "scheduled",
  started: "started",
  finished: "finished",
  partial: "partially completed",
  failed: "failed",
  canceled: "canceled",
};

/** What the import answers need to know about a project with an import. */
export type ImportedProject = {
  id: number;
  name: string;
  fullPath: string;
  namespaceFullName: string;
  importSource: string | null;
  importUrl: string | null;
  importWarning: string | null;
  status: ImportStatus | "none";
  error: string | null;
};

/** GitLab's ProjectImportEntity: the answer to starting (and cancelling) an import. */
export function serializeImportEntity(project: ImportedProject) {
  return {
    id: project.id,
    name: project.name,
    full_path: `/${project.fullPath}`,
    full_name: `${project.namespaceFullName} / ${project.name}`,
    refs_url: `/${project.fullPath}/refs`,
    forked: false,
    import_source: project.importSource,
    import_status: project.status,
    human_import_status_name: HUMAN_IMPORT_STATUS[project.status],
    provider_link: project.importUrl,
    relation_type: null,
    import_warning: project.importWarning,
    ...(project.status === "failed" ? { import_error: project.error } : {}),
  };
}

type ProjectForStatus = {
  id: number;
  name: string;
  path: string;
  fullPath: string;
  description: string;
  createdAt: Date;
  importType: string | null;
  importSource: string | null;
  importWarning: string | null;
};

/**
 * `GET /projects/:id/import`: GitLab's ProjectImportStatus, with `stats` per object type
 * (`stats.total.pull_request`, `stats.imported.issue`, … — GitLab's `fetched`/`imported` plus
 * Ferry's `total`, `failed` and `skipped`), the failure ledger as `failed_relations` (unresolved
 * items), and the import's messages (stages skipped because Bitbucket removed an API are
 * messages, not failures).
 */
export function serializeImportStatus(project: ProjectForStatus, namespaceFullName: string, details: ImportDetails | null) {
  const stats = { total: {} as Record<string, number>, fetched: {} as Record<string, number>, imported: {} as Record<string, number>, failed: {} as Record<string, number>, skipped: {} as Record<string, number> };
  for (const row of details?.progress ?? []) {
    if (row.total !== null) stats.total[row.objectType] = row.total;
    stats.fetched[row.objectType] = row.fetched;
    stats.imported[row.objectType] = row.imported;
    stats.failed[row.objectType] = row.failed;
    stats.skipped[row.objectType] = row.skipped;
  }
  const status = details?.status ?? "none";
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${namespaceFullName} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.fullPath,
    created_at: isoDate(project.createdAt),
    import_source: project.importSource,
    import_type: project.importType,
    import_status: status,
    human_import_status_name: HUMAN_IMPORT_STATUS[status],
    import_stage: details?.stage ?? null,
    import_error: details?.error ?? null,
    import_warning: project.importWarning,
    import_started_at: isoDate(details?.startedAt),
    import_finished_at: isoDate(details?.finishedAt),
    cancel_requested: Boolean(details?.cancelRequestedAt),
    waiting_for_rate_limit_until: isoDate(details?.waitingUntil),
    correlation_id: details ? `ferry-import-${details.id}` : null,
    stats,
    failed_relations: (details?.failures ?? []).filter((failure) => failure.resolvedAt === null).map(serializeFailedRelation),
    failed_relations_count: details?.unresolvedFailures ?? 0,
    messages: (details?.messages ?? []).map((message) => ({ severity: message.severity, code: message.code, message: message.message, created_at: isoDate(message.createdAt) })),
  };
}

type FailureRow = { id: number; createdAt: Date; objectType: string; sourceId: string; sourceUrl: string | null; stage: string; message: string; attempts: number };

/** A row of the failure ledger as GitLab's `failed_relations` entries. */
export function serializeFailedRelation(failure: FailureRow) {
  return {
    id: failure.id,
    created_at: isoDate(failure.createdAt),
    type: failure.objectType,
    relation_name: failure.objectType,
    source_id: failure.sourceId,
    source_url: failure.sourceUrl,
    source: failure.stage,
    message: failure.message,
    exception_class: "ImportFailure",
    exception_message: failure.message,
    attempts: failure.attempts,
    line_number: null,
  };
}

type SyncRow = {
  id: number;
  status: ImportStatus;
  trigger: string;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  counts: Array<{ objectType: string; created: number; updated: number; removed: number; failed: number }>;
};

/** A sync of `/projects/:id/import/syncs`: its state (the import vocabulary), `stats` per kind of change and object type, and its ledger when given. */
export function serializeSync(sync: SyncRow & { failures?: FailureRow[] }) {
  const stats = { created: {} as Record<string, number>, updated: {} as Record<string, number>, removed: {} as Record<string, number>, failed: {} as Record<string, number> };
  for (const count of sync.counts) {
    stats.created[count.objectType] = count.created;
    stats.updated[count.objectType] = count.updated;
    stats.removed[count.objectType] = count.removed;
    stats.failed[count.objectType] = count.failed;
  }
  return {
    id: sync.id,
    status: sync.status,
    human_status_name: HUMAN_IMPORT_STATUS[sync.status],
    trigger: sync.trigger,
    error: sync.error,
    started_at: isoDate(sync.startedAt),
    finished_at: isoDate(sync.finishedAt),
    stats,
    ...(sync.failures ? { failed_relations: sync.failures.map(serializeFailedRelation) } : {}),
  };
}
