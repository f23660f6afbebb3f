/**
 * The words of an import's and an archive job's life, for the browser and the server alike:
 * no server imports here.
 */

export const IMPORT_STATUSES = ["scheduled", "started", "finished", "partial", "failed", "canceled"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** An import that is queued or running: work may still be done for it. */
export const ACTIVE_IMPORT_STATUSES = ["scheduled", "started"] as const satisfies readonly ImportStatus[];

export function isActiveImportStatus(status: string | null | undefined): status is (typeof ACTIVE_IMPORT_STATUSES)[number] {
  return (ACTIVE_IMPORT_STATUSES as readonly string[]).includes(status ?? "");
}

/** GitLab's status names, so people moving from its importer recognise them. */
export const IMPORT_STATUS_LABELS: Record<ImportStatus, string> = {
  scheduled: "Pending",
  started: "Importing…",
  finished: "Complete",
  partial: "Partially completed",
  failed: "Failed",
  canceled: "Cancelled",
};

export const NOT_IMPORTED_LABEL = "Not started";
export const CANCELLING_LABEL = "Cancelling…";

/** The label of an import, "Cancelling…" while a requested cancel has not taken effect. */
export function importStatusLabel(status: ImportStatus, cancelRequested = false): string {
  return cancelRequested && isActiveImportStatus(status) ? CANCELLING_LABEL : IMPORT_STATUS_LABELS[status];
}

/** What the progress of each object type is called, on the Import tab and the picker's rows. */
export const OBJECT_TYPE_LABELS: Record<string, string> = {
  repository: "Repository",
  wiki: "Wiki",
  label: "Labels",
  milestone: "Milestones",
  user: "Users",
  pull_request: "Pull requests",
  pull_request_note: "Pull request comments",
  approval: "Approvals",
  issue: "Issues",
  issue_note: "Issue comments",
  lfs_object: "LFS objects",
};

export const ARCHIVE_JOB_STATES = ["queued", "running", "completed", "failed", "aborted", "canceled"] as const;
export type ArchiveJobState = (typeof ARCHIVE_JOB_STATES)[number];

/** An archive job that is queued or running. */
export const ACTIVE_ARCHIVE_STATES = ["queued", "running"] as const satisfies readonly ArchiveJobState[];

export function isActiveArchiveState(state: string | null | undefined): state is (typeof ACTIVE_ARCHIVE_STATES)[number] {
  return (ACTIVE_ARCHIVE_STATES as readonly string[]).includes(state ?? "");
}
