import { formatClock } from "@/components/ui/format";
import type { RowImportStatus } from "@/lib/import/status";
import { NOT_IMPORTED_LABEL, OBJECT_TYPE_LABELS, importStatusLabel } from "@/lib/import/status-vocabulary";

export function statusLabel(status: RowImportStatus | null): string {
  return status ? importStatusLabel(status.status, status.cancelRequested) : NOT_IMPORTED_LABEL;
}

const number = new Intl.NumberFormat("en-US");

/** "pull requests 340/2,000", "pull request comments 120", or the rate-limit wait of the source ("Bitbucket", "GitHub"). */
export function progressText(status: RowImportStatus, sourceName = "Bitbucket", now = Date.now()): string | null {
  if (status.status !== "started") return null;
  if (status.waitingUntil && Date.parse(status.waitingUntil) > now) {
    return `waiting for ${sourceName}'s rate limit, resumes about ${formatClock(new Date(status.waitingUntil))}`;
  }
  if (!status.stage) return null;
  if (!status.counts) return status.stage;
  const { done, total } = status.counts;
  return total === null ? `${status.stage} ${number.format(done)}` : `${status.stage} ${number.format(Math.min(done, total))}/${number.format(total)}`;
}

export function formatCount(value: number, singular: string, plural = `${singular}s`): string {
  return `${number.format(value)} ${value === 1 ? singular : plural}`;
}

/** The import details page of a project (progress, messages, the failure ledger). */
export function importDetailsHref(projectFullPath: string): string {
  return `/${projectFullPath}/-/import`;
}

/** "Pull requests 3/5 · Labels 4": the counts of every object type so far, as the Import tab shows them. */
export function typeCountsText(status: RowImportStatus): string | null {
  if (status.status !== "started" || status.progress.length === 0) return null;
  return status.progress
    .map(({ objectType, done, total }) => {
      const label = OBJECT_TYPE_LABELS[objectType] ?? objectType.replace(/_/g, " ");
      return total === null ? `${label} ${number.format(done)}` : `${label} ${number.format(Math.min(done, total))}/${number.format(total)}`;
    })
    .join(" · ");
}
